"""Community health: sentiment, moderation, themes, threads and response times, groups."""

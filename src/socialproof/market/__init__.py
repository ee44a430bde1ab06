"""Job postings: fact extraction, salary normalisation, skill linking and market aggregates."""

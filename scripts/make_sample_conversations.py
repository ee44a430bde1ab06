"""Write the sample customer-care conversations for the demo (SAMPLE DATA, invented).

    .venv/bin/python scripts/make_sample_conversations.py

Writes ``src/socialproof/data/samples/conversations.csv`` in the customer-care
shape (tweet_id, author_id, inbound, created_at, text, response_tweet_id,
in_response_to_tweet_id) with the timestamp style of the public "Customer Support
on Twitter" data. Every text is our own template writing; the brand "Acme Home"
and its care handle @AcmeHomeHelp are fictional. Deterministic (seed 20260105);
needs nothing outside this repository.

What it shows in the community report: replies that come faster in business
hours (09:00-17:00 UTC, Monday to Friday) than outside them, some threads left
unanswered, follow-ups that keep a thread unresolved, a delivery problem that
grows in March (a growing theme, more negative sentiment), praise, product
requests, and a little spam and abuse for the moderation queue.
"""

from __future__ import annotations

import csv
import math
import random
from datetime import datetime, timedelta
from pathlib import Path

SEED = 20260105
START = datetime(2026, 1, 5)
DAYS = 90
BRAND = "AcmeHomeHelp"
AGENTS = ("^JM", "^SK", "^AL", "^RT")
ITEMS = ("armchair", "sofa", "bookshelf", "lamp", "duvet", "rug", "desk", "bed frame", "mirror")
CITIES = ("Leeds", "Bristol", "Glasgow", "Cardiff", "Norwich", "York")
OUT = (
    Path(__file__).resolve().parents[1]
    / "src"
    / "socialproof"
    / "data"
    / "samples"
    / "conversations.csv"
)

TOPICS: dict[str, list[str]] = {
    "delivery": [
        "@AcmeHomeHelp my order #{n} still hasn't arrived, it's been {d} days",
        "@AcmeHomeHelp tracking says my parcel was delivered but there is nothing here",
        "@AcmeHomeHelp delivery slot missed again, I took the day off work for this",
        "@AcmeHomeHelp where is my {item}? order #{n} was due last week",
        "Third time my @AcmeHomeHelp delivery has been rescheduled. Order #{n}",
        "@AcmeHomeHelp the courier left my {item} in the rain, box soaked",
    ],
    "billing": [
        "@AcmeHomeHelp I was charged twice for order #{n}",
        "@AcmeHomeHelp still waiting for my refund for order #{n}, it's been {d} days",
        "@AcmeHomeHelp why is there a delivery fee on my invoice when it said free delivery?",
        "@AcmeHomeHelp my discount code didn't apply at checkout",
    ],
    "app": [
        "@AcmeHomeHelp the app crashes every time I open my basket",
        "@AcmeHomeHelp can't log in to the app since the update, password reset email never comes",
        "@AcmeHomeHelp the website checkout keeps failing at the payment step",
        "@AcmeHomeHelp app says my order doesn't exist but I have the confirmation email",
    ],
    "product": [
        "@AcmeHomeHelp please bring back the oak bookshelf in white",
        "@AcmeHomeHelp would love a dark mode in the app",
        "@AcmeHomeHelp any plans to sell replacement covers for the Linden sofa?",
        "@AcmeHomeHelp the assembly instructions for the desk are missing step 4",
        "@AcmeHomeHelp the new {item} is lovely but it arrived with a scratch",
    ],
    "praise": [
        "Love my new {item}, thank you @AcmeHomeHelp",
        "Great service from the {city} store team today, thanks @AcmeHomeHelp",
        "@AcmeHomeHelp my {item} came early and the driver was so friendly, thank you!",
        "The new {item} from @AcmeHomeHelp is amazing",
    ],
    "store": [
        "@AcmeHomeHelp staff at the {city} store were really rude to me today",
        "@AcmeHomeHelp waited 40 minutes at click and collect, nobody came",
        "@AcmeHomeHelp your store in {city} had no price labels on half the shelves",
    ],
    "spam": [
        "@AcmeHomeHelp Buy followers cheap!!! visit http://bit.ly/fast-follow now",
        "@AcmeHomeHelp earn $500 a day from home, DM me for the secret http://tinyurl.com/x1",
    ],
    "abuse": [
        "@AcmeHomeHelp you are useless idiots, worst company ever",
        "@AcmeHomeHelp absolute clowns, shut up and fix it",
    ],
}
FOLLOW_UPS = [
    "@AcmeHomeHelp done, DM sent about the {item}",
    "@AcmeHomeHelp I've sent the details for #{n}, still nothing",
    "@AcmeHomeHelp thanks, that worked for the {item}!",
    "@AcmeHomeHelp still no reply to my DM about order #{n}, this is ridiculous",
    "@AcmeHomeHelp ok, order number is #{n}",
]
REPLIES = {
    "delivery": "@{u} Sorry your order is late. Please DM us your order number and postcode and we'll chase the courier. {a}",
    "billing": "@{u} We're sorry about this. Send us a DM with your order number and we'll check the payment. {a}",
    "app": "@{u} Sorry for the trouble. Could you tell us your phone model and app version in DM? {a}",
    "product": "@{u} Thanks for the idea! We've passed it on to our product team. {a}",
    "praise": "@{u} That's lovely to hear, thank you for sharing! {a}",
    "store": "@{u} We're really sorry. Please DM us which store and when, and we'll follow it up. {a}",
    "spam": "",
    "abuse": "@{u} We understand you're frustrated. We're here to help if you DM us the details. {a}",
}
CLOSERS = [
    "@{u} Thanks, we've found it: it's with the courier and arrives tomorrow. {a}",
    "@{u} All sorted: the refund is on its way. {a}",
    "@{u} Glad that worked! Anything else, just ask. {a}",
]


GREETINGS = ("", "", "", "Hi ", "Hello ", "Hey ")
ENDINGS = {
    "complaint": ("", "", " Please help.", " Really not happy.", " Any update?", " 🙁",
                  " This is the second time.", " Sort it out please.", " Thanks in advance.",
                  " Fed up.", " What is going on?"),
    "praise": ("", "", " 😊", "!", " Thanks again.", " Will shop again.", " ❤️", " Five stars.",
               " Made my week."),
    "neutral": ("", "", " Thanks.", " Cheers.", " Just wondering.", " 🙂"),
}  # fmt: skip
KIND = {"delivery": "complaint", "billing": "complaint", "app": "complaint", "store": "complaint",
        "abuse": "complaint", "praise": "praise", "product": "neutral", "follow": "neutral"}  # fmt: skip


def _vary(rng: random.Random, topic: str, text: str) -> str:
    """People do not post identical texts: vary greetings and endings (not spam)."""
    if topic == "spam":
        return text
    if text.startswith("@"):
        text = rng.choice(GREETINGS) + text
    return text + rng.choice(ENDINGS[KIND[topic]])


def _weights(day: int) -> dict[str, float]:
    surge = 3.0 if 55 <= day <= 80 else 1.0  # a courier problem in March
    return {"delivery": 2.0 * surge, "billing": 1.2, "app": 1.2, "product": 1.0,
            "praise": 1.3, "store": 0.5, "spam": 0.35, "abuse": 0.2}  # fmt: skip


def _in_hours(t: datetime) -> bool:
    return t.weekday() < 5 and 9 <= t.hour < 17


def _next_opening(t: datetime) -> datetime:
    while not _in_hours(t):
        t = (t + timedelta(hours=1)).replace(minute=0, second=0)
    return t


def _reply_delay(rng: random.Random, t: datetime) -> datetime:
    """Business hours: median ~35 min; otherwise the next opening plus the same."""
    base = t if _in_hours(t) else _next_opening(t)
    minutes = math.exp(rng.gauss(math.log(35), 0.9))
    return base + timedelta(minutes=min(minutes, 60 * 20), seconds=rng.randint(0, 59))


def _fmt(t: datetime) -> str:
    return t.strftime("%a %b %d %H:%M:%S +0000 %Y")


def build() -> list[dict[str, str]]:
    rng = random.Random(SEED)
    rows: list[dict[str, object]] = []
    next_id = 500000
    users = [f"{rng.randint(100000, 999999)}" for _ in range(260)]

    def new_id() -> int:
        nonlocal next_id
        next_id += 1
        return next_id

    for day in range(DAYS):
        date = START + timedelta(days=day)
        n_threads = rng.randint(3, 7) + (2 if date.weekday() < 5 else 0)
        w = _weights(day)
        for _ in range(n_threads):
            topic = rng.choices(list(w), weights=list(w.values()))[0]
            user = rng.choice(users)
            hour = rng.choices(
                range(24),
                weights=[1, 1, 1, 1, 1, 2, 3, 5, 6, 6, 6, 6, 7, 7, 6, 6, 6, 7, 8, 9, 9, 8, 5, 2],
            )[0]
            t = date + timedelta(hours=hour, minutes=rng.randint(0, 59), seconds=rng.randint(0, 59))
            text = rng.choice(TOPICS[topic]).format(
                n=rng.randint(10000, 99999),
                d=rng.randint(3, 21),
                item=rng.choice(ITEMS),
                city=rng.choice(CITIES),
            )
            text = _vary(rng, topic, text)
            root = {
                "id": new_id(),
                "author": user,
                "inbound": True,
                "t": t,
                "text": text,
                "parent": None,
            }
            rows.append(root)
            answered = topic != "spam" and rng.random() > (0.25 if topic == "praise" else 0.07)
            if not answered:
                continue
            agent = rng.choice(AGENTS)
            rt = _reply_delay(rng, t)
            reply = {"id": new_id(), "author": BRAND, "inbound": False, "t": rt,
                     "text": REPLIES[topic].format(u=user, a=agent), "parent": root["id"]}  # fmt: skip
            rows.append(reply)
            if topic in ("praise", "product") or rng.random() < 0.45:
                continue
            ft = rt + timedelta(minutes=math.exp(rng.gauss(math.log(50), 1.0)))
            follow = {"id": new_id(), "author": user, "inbound": True, "t": ft,
                      "text": _vary(rng, "follow",
                                    rng.choice(FOLLOW_UPS).format(n=rng.randint(10000, 99999), item=rng.choice(ITEMS))),
                      "parent": reply["id"]}  # fmt: skip
            rows.append(follow)
            if rng.random() < 0.3:
                continue  # the customer wrote last: unresolved
            ct = _reply_delay(rng, ft)
            rows.append({"id": new_id(), "author": BRAND, "inbound": False, "t": ct,
                         "text": rng.choice(CLOSERS).format(u=user, a=agent), "parent": follow["id"]})  # fmt: skip
    children: dict[object, list[object]] = {}
    for r in rows:
        if r["parent"] is not None:
            children.setdefault(r["parent"], []).append(r["id"])
    out = []
    for r in rows:
        out.append(
            {
                "tweet_id": str(r["id"]),
                "author_id": str(r["author"]),
                "inbound": "True" if r["inbound"] else "False",
                "created_at": _fmt(r["t"]),  # type: ignore[arg-type]
                "text": str(r["text"]),
                "response_tweet_id": ",".join(str(c) for c in children.get(r["id"], [])),
                "in_response_to_tweet_id": "" if r["parent"] is None else str(r["parent"]),
            }
        )
    return out


README_NOTE = """
`conversations.csv` is SAMPLE DATA too: invented customer-care conversations with the
fictional care handle @AcmeHomeHelp (customer-care format: tweet_id, author_id, inbound,
created_at, text, response_tweet_id, in_response_to_tweet_id; 2026-01-05 to 2026-04-04),
written by `scripts/make_sample_conversations.py` (seed 20260105) from our own templates,
for the community report in the demo. Licence: same as socialproof (Apache-2.0).
"""


def label_in_readme() -> None:
    """Append the sample-data note to the folder's shared README unless it is there."""
    readme = OUT.parent / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.exists() else "# Sample data\n"
    if "`conversations.csv` is SAMPLE DATA" not in text:
        readme.write_text(text.rstrip("\n") + "\n" + README_NOTE, encoding="utf-8")


def main() -> None:
    rows = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    tmp = OUT.with_suffix(".csv.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(OUT)
    label_in_readme()
    print(f"wrote {OUT} ({len(rows):,} messages)")


if __name__ == "__main__":
    main()

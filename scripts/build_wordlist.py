"""Build src/socialproof/data/wordlist_en.txt, the English word list the linter uses to
CamelCase hashtags (#socialmediatips -> #SocialMediaTips).

Source: the frequency dictionary shipped in the PyPI package ``symspellpy`` (MIT licence),
``frequency_dictionary_en_82_765.txt``, which its authors built by intersecting Google Books
Ngram counts (CC BY 3.0) with the SCOWL word list (permissive, MIT-like). We keep the most
frequent words plus a short curated list of social media terms, with their counts.

Needs the symspellpy wheel or package (not a runtime dependency):

    pip download --no-deps symspellpy==6.10.1 -d /tmp/symspell
    python scripts/build_wordlist.py /tmp/symspell/symspellpy-6.10.1-py3-none-any.whl
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src" / "socialproof" / "data" / "wordlist_en.txt"
MEMBER = "symspellpy/frequency_dictionary_en_82_765.txt"
KEEP = 40_000
# Words social media copy uses that a books corpus ranks low or lacks; count = a mid rank.
CURATED = """
instagram facebook tiktok linkedin youtube pinterest threads bluesky twitter reels reel
hashtag hashtags influencer influencers creator creators ugc livestream podcast podcasts
vlog blog blogger emoji selfie unboxing giveaway webinar newsletter startup startups
skincare haircare wellness fintech ecommerce biz smb saas ai roas kpi kpis crm seo
oat vegan glutenfree latte barista espresso cafe brunch foodie foodies wanderlust
insta instagood throwback tbt ootd motivation monday tuesday wednesday thursday friday saturday sunday
collab collabs vlogger vloggers bookstagram fashionista
""".split()
ONE_LETTER = {"a", "i"}


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    src = Path(argv[0])
    with zipfile.ZipFile(src) as zf:
        text = zf.read(MEMBER).decode("utf-8")
    rows: list[tuple[str, int]] = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) != 2 or not parts[0].isalpha() or not parts[0].isascii():
            continue
        word, count = parts[0].lower(), int(parts[1])
        if len(word) == 1 and word not in ONE_LETTER:
            continue
        rows.append((word, count))
    rows.sort(key=lambda r: -r[1])
    rows = rows[:KEEP]
    have = {w for w, _ in rows}
    mid = rows[len(rows) // 4][1]
    rows.extend((w, mid) for w in CURATED if w not in have)
    header = (
        "# English words with frequency counts, for CamelCasing hashtags.\n"
        "# Built by scripts/build_wordlist.py from symspellpy 6.10.1 (MIT licence),\n"
        "# frequency_dictionary_en_82_765.txt (Google Books Ngram, CC BY 3.0, intersected\n"
        f"# with SCOWL), top {KEEP} words plus a curated list of social media terms.\n"
        # named, so the splitter trusts the short ones ('oat', 'tbt') as it trusts common words
        f"# curated: {' '.join(CURATED)}\n"
    )
    OUT.write_text(header + "".join(f"{w}\t{c}\n" for w, c in rows), encoding="utf-8")
    print(f"wrote {len(rows)} words to {OUT} ({OUT.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

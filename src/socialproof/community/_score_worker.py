"""A scoring child process: ``python -m socialproof.community._score_worker IN_FD OUT_FD``.

Started by :func:`socialproof.community.scoring.score_frames` to use another core. It
reads pickled objects from ``IN_FD`` (the models first, then one pandas frame per batch,
``None`` to stop) and writes each batch's scores (:func:`scoring.score_frame`) to
``OUT_FD``. A plain module run as ``-m``, so starting it never re-runs the caller's
main script (as multiprocessing's "spawn" would).
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    from multiprocessing.connection import Connection

    from socialproof.community.scoring import score_frame

    inbox = Connection(int(argv[0]), writable=False)
    outbox = Connection(int(argv[1]), readable=False)
    try:
        models = inbox.recv()
        while True:
            frame = inbox.recv()
            if frame is None:
                return 0
            outbox.send(score_frame(frame, models))
    except (EOFError, BrokenPipeError, KeyboardInterrupt):  # the parent went away
        return 0
    finally:
        inbox.close()
        outbox.close()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""``python -m bench.child MODULE FUNC JSON``: one side of a comparison in its own process (own peak memory)."""
from __future__ import annotations

import importlib
import json
import sys

from bench.common import peak_rss_mb


def main() -> None:
    module, func, args = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    import engine  # noqa: F401 - offline switches before any Hugging Face import
    from bench.common import set_threads
    set_threads()
    result = getattr(importlib.import_module(f"bench.{module}"), func)(**args)
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))


if __name__ == "__main__":
    main()

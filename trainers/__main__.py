"""``python -m trainers train|sft|plot ...``: the ``steprl`` training commands without the console script, so that
launchers that start a module run them: ``accelerate launch --cpu --num_processes 2 -m trainers train ...``."""

from __future__ import annotations

import argparse
import sys

from .cli import add_parser


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m trainers", description="steprl trainers")
    sub = parser.add_subparsers(dest="command", required=True)
    add_parser(sub, "train", "train a policy with an RL algorithm")
    add_parser(sub, "sft", "supervised warm start on oracle trajectories")
    add_parser(sub, "plot", "learning curves of training runs")
    args = parser.parse_args(argv)
    from steprl_envs.cli_common import UsageError

    try:
        return args.func(args)
    except UsageError as e:
        print(f"{parser.prog} {args.command}: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

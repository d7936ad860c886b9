"""Model-agnostic training infrastructure: runs, atomic checkpoints, schedules, memory preflight."""

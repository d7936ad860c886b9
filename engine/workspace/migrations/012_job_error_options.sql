-- The command-line options a failed job's message refers to (JSON list), so the CLI can name them.
ALTER TABLE jobs ADD COLUMN error_options TEXT;

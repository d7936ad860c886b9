-- The earlier turns of a chat whose answer was sent to review (JSON list of {"role", "content"}, user and
-- assistant, oldest first); NULL for an output that answers its prompt alone.
ALTER TABLE task_outputs ADD COLUMN history TEXT;

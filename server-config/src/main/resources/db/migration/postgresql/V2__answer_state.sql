-- Version 2: each message has a state. An answer is stored when its turn starts (ANSWERING) and saved while it
-- streams; the start after a crash marks what was left ANSWERING as INTERRUPTED. Earlier messages are complete.
ALTER TABLE chat_message ADD COLUMN state VARCHAR(16) DEFAULT 'COMPLETE' NOT NULL
    CHECK (state IN ('ANSWERING', 'COMPLETE', 'INTERRUPTED'));

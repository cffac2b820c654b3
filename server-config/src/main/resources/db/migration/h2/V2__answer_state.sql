-- Version 2: each message has a state. An answer is stored when its turn starts (ANSWERING) and saved while it
-- streams; the start after a crash marks what was left ANSWERING as INTERRUPTED. Earlier messages are complete.
ALTER TABLE chat_message ADD COLUMN state ENUM('ANSWERING', 'COMPLETE', 'INTERRUPTED') DEFAULT 'COMPLETE' NOT NULL;

-- Version 3: the message text as text of any length, as on PostgreSQL (where version 3 moves it out of large
-- objects): CHARACTER VARYING without a length instead of a CHARACTER LARGE OBJECT.
ALTER TABLE chat_message ALTER COLUMN text SET DATA TYPE CHARACTER VARYING;

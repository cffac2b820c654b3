-- Version 3: the message text as text. Versions 1 and 2 kept it as a large object (oid, what Hibernate makes of
-- @Lob on PostgreSQL): every save of a streaming answer made a new large object, and large objects are read in
-- their own calls. The text of each one moves into the row, and the large objects the rows named are removed.
-- Large objects left behind by earlier saves of the same answers are named by no row: vacuumlo removes them.
ALTER TABLE chat_message ADD COLUMN text_value TEXT;
UPDATE chat_message SET text_value = convert_from(lo_get(text), 'UTF8');
SELECT lo_unlink(text) FROM chat_message;
ALTER TABLE chat_message DROP COLUMN text;
ALTER TABLE chat_message RENAME COLUMN text_value TO text;
ALTER TABLE chat_message ALTER COLUMN text SET NOT NULL;

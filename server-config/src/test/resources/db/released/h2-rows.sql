-- One or more rows in every table of the released schema (h2-schema.sql), as the released host writes them: a
-- persona with a rotated key, a paired and a revoked phone, a used invite, a conversation with messages of every
-- role, tool permissions, calls and reminders in each state. SchemaMigrationTest checks every row after migrating.

INSERT INTO admin_account (name, changed_at, password_hash, role) VALUES
    ('owner', TIMESTAMP WITH TIME ZONE '2026-11-02 09:15:00.123456+00', '$2a$12$0123456789012345678901uQw9y1gY0f8aQxXb0iY6mF0uWc1pW9xK', 'owner');

INSERT INTO installation (id, created_at, last_started_at, start_count) VALUES
    ('8d3f0c52-4a51-4d58-9b64-2f0e4b8a7c11', TIMESTAMP WITH TIME ZONE '2026-11-02 09:14:00+00',
     TIMESTAMP WITH TIME ZONE '2026-12-01 18:00:00.5+01', 42);

INSERT INTO persona (id, colour, created_at, key_created_at, name, previous_key_valid_until, previous_public_key,
                     previous_sealed_private_key, public_key, sealed_private_key, system_prompt) VALUES
    ('1b4e28ba-2fa1-41d2-883f-0016d3cca427', '#3a7bd5', TIMESTAMP WITH TIME ZONE '2026-11-02 09:14:01+00',
     TIMESTAMP WITH TIME ZONE '2026-11-20 12:00:00+00', 'Ada', TIMESTAMP WITH TIME ZONE '2026-12-20 12:00:00+00',
     X'a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0',
     X'0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c',
     X'c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0',
     X'f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223242526272829',
     'You are Ada. Answer briefly; say ''I do not know'' when unsure.'),
    ('6fa459ea-ee8a-3ca4-894e-db77e160355e', NULL, TIMESTAMP WITH TIME ZONE '2026-11-03 10:00:00+00',
     TIMESTAMP WITH TIME ZONE '2026-11-03 10:00:00+00', 'Bob', NULL, NULL, NULL,
     X'000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
     X'ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100', NULL);

INSERT INTO device (id, display_name, first_seen, last_seen, persona_id, public_key, status) VALUES
    ('3f2504e0-4f89-11d3-9a0c-0305e82c3301', 'Pixel 8 (Ada''s phone)', TIMESTAMP WITH TIME ZONE '2026-11-02 09:20:00+00',
     TIMESTAMP WITH TIME ZONE '2026-12-01 18:05:00+00', '1b4e28ba-2fa1-41d2-883f-0016d3cca427',
     X'11223344556677889900aabbccddeeff11223344556677889900aabbccddeeff', 'APPROVED'),
    ('9c5b94b1-35ad-49bb-b118-8e8fc24abf80', 'Old tablet', TIMESTAMP WITH TIME ZONE '2026-11-04 08:00:00+00',
     TIMESTAMP WITH TIME ZONE '2026-11-05 08:00:00+00', '1b4e28ba-2fa1-41d2-883f-0016d3cca427',
     X'2233445566778899aabbccddeeff00112233445566778899aabbccddeeff0011', 'REVOKED'),
    ('0e984725-c51c-4bf4-9960-e1c80e27aba0', 'Unknown phone', TIMESTAMP WITH TIME ZONE '2026-12-01 07:00:00+00',
     TIMESTAMP WITH TIME ZONE '2026-12-01 07:00:00+00', '6fa459ea-ee8a-3ca4-894e-db77e160355e',
     X'33445566778899aabbccddeeff00112233445566778899aabbccddeeff001122', 'PENDING');

INSERT INTO invite (code_hash, created_at, expires_at, persona_id, used_at, used_by_device) VALUES
    (X'5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8', TIMESTAMP WITH TIME ZONE '2026-11-02 09:18:00+00',
     TIMESTAMP WITH TIME ZONE '2026-11-02 09:28:00+00', '1b4e28ba-2fa1-41d2-883f-0016d3cca427',
     TIMESTAMP WITH TIME ZONE '2026-11-02 09:20:00+00', '3f2504e0-4f89-11d3-9a0c-0305e82c3301'),
    (X'6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b', TIMESTAMP WITH TIME ZONE '2026-12-01 18:00:00+00',
     TIMESTAMP WITH TIME ZONE '2026-12-01 18:10:00+00', '6fa459ea-ee8a-3ca4-894e-db77e160355e', NULL, NULL);

INSERT INTO conversation (id, created_at, device_id, message_count, persona_id, title, updated_at) VALUES
    ('f47ac10b-58cc-4372-a567-0e02b2c3d479', TIMESTAMP WITH TIME ZONE '2026-11-02 09:21:00+00',
     '3f2504e0-4f89-11d3-9a0c-0305e82c3301', 4, '1b4e28ba-2fa1-41d2-883f-0016d3cca427', 'Weekend plans ✈',
     TIMESTAMP WITH TIME ZONE '2026-11-02 09:23:30.000001+00');

INSERT INTO chat_message (id, conversation_id, created_at, role, sequence, text) VALUES
    ('a8098c1a-f86e-11da-bd1a-00112444be1e', 'f47ac10b-58cc-4372-a567-0e02b2c3d479',
     TIMESTAMP WITH TIME ZONE '2026-11-02 09:21:00+00', 'SYSTEM', 0, 'You are Ada.'),
    ('b8098c1a-f86e-11da-bd1a-00112444be1e', 'f47ac10b-58cc-4372-a567-0e02b2c3d479',
     TIMESTAMP WITH TIME ZONE '2026-11-02 09:21:05+00', 'USER', 1, 'Remind me to pack on Friday at 18:00, please. Ünïcödé ok?'),
    ('c8098c1a-f86e-11da-bd1a-00112444be1e', 'f47ac10b-58cc-4372-a567-0e02b2c3d479',
     TIMESTAMP WITH TIME ZONE '2026-11-02 09:21:06+00', 'TOOL', 2, '{"reminder":1,"due":"2026-11-06T18:00:00Z"}'),
    ('d8098c1a-f86e-11da-bd1a-00112444be1e', 'f47ac10b-58cc-4372-a567-0e02b2c3d479',
     TIMESTAMP WITH TIME ZONE '2026-11-02 09:23:30.000001+00', 'ASSISTANT', 3,
     'Done: I will remind you on Friday at 18:00.' || CHAR(10) || 'Anything else?');

INSERT INTO persona_tool (id, enabled, persona_id, plugin) VALUES
    (1, TRUE, '1b4e28ba-2fa1-41d2-883f-0016d3cca427', 'reminders'),
    (2, FALSE, '1b4e28ba-2fa1-41d2-883f-0016d3cca427', 'clock'),
    (51, TRUE, '6fa459ea-ee8a-3ca4-894e-db77e160355e', 'clock');

INSERT INTO tool_call (id, arguments, called_at, conversation_id, device_id, duration_micros, outcome, persona_id,
                       result, tool) VALUES
    (1, '{"text":"pack","due":"2026-11-06T18:00:00Z"}', TIMESTAMP WITH TIME ZONE '2026-11-02 09:21:06+00',
     'f47ac10b-58cc-4372-a567-0e02b2c3d479', '3f2504e0-4f89-11d3-9a0c-0305e82c3301', 1834, 'OK',
     '1b4e28ba-2fa1-41d2-883f-0016d3cca427', '{"reminder":1,"due":"2026-11-06T18:00:00Z"}', 'reminders.add'),
    (2, NULL, TIMESTAMP WITH TIME ZONE '2026-11-03 10:00:00+00', NULL, NULL, 250000, 'TIMEOUT',
     '6fa459ea-ee8a-3ca4-894e-db77e160355e', NULL, 'clock.now');

INSERT INTO reminder (id, created_at, delivered_at, device_id, due, fired_at, persona_id, state, text) VALUES
    (1, TIMESTAMP WITH TIME ZONE '2026-11-02 09:21:06+00', NULL, '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
     TIMESTAMP WITH TIME ZONE '2026-11-06 18:00:00+00', NULL, '1b4e28ba-2fa1-41d2-883f-0016d3cca427', 'PENDING', 'pack'),
    (2, TIMESTAMP WITH TIME ZONE '2026-11-01 08:00:00+00', NULL, '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
     TIMESTAMP WITH TIME ZONE '2026-11-01 09:00:00+00', TIMESTAMP WITH TIME ZONE '2026-11-01 09:00:01+00',
     '1b4e28ba-2fa1-41d2-883f-0016d3cca427', 'FIRED', 'call mum'),
    (3, TIMESTAMP WITH TIME ZONE '2026-10-30 08:00:00+00', TIMESTAMP WITH TIME ZONE '2026-10-30 09:00:03+00',
     '3f2504e0-4f89-11d3-9a0c-0305e82c3301', TIMESTAMP WITH TIME ZONE '2026-10-30 09:00:00+00',
     TIMESTAMP WITH TIME ZONE '2026-10-30 09:00:01+00', '1b4e28ba-2fa1-41d2-883f-0016d3cca427', 'DELIVERED', 'water plants'),
    (4, TIMESTAMP WITH TIME ZONE '2026-10-29 08:00:00+00', NULL, '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
     TIMESTAMP WITH TIME ZONE '2026-10-31 09:00:00+00', NULL, '1b4e28ba-2fa1-41d2-883f-0016d3cca427', 'CANCELLED', 'nothing');

ALTER SEQUENCE persona_tool_seq RESTART WITH 101;
ALTER SEQUENCE reminder_seq RESTART WITH 51;
ALTER SEQUENCE tool_call_seq RESTART WITH 51;

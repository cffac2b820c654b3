-- Version 1 on PostgreSQL: the schema of h2/V1__released_schema.sql in the types Hibernate's PostgreSQL dialect
-- gives the same entities (what hbm2ddl.auto=update made on PostgreSQL before Flyway): uuid, timestamp(6) with
-- time zone, bytea, enums as varchar with a check, the message text (@Lob) as a large object (oid). A database made
-- by such a release is recorded as this version without running it (SchemaMigration's baseline). Unique constraints
-- and indexes keep Hibernate's names, so that later versions can name them on every database.

CREATE SEQUENCE persona_tool_seq START WITH 1 INCREMENT BY 50;
CREATE SEQUENCE reminder_seq START WITH 1 INCREMENT BY 50;
CREATE SEQUENCE tool_call_seq START WITH 1 INCREMENT BY 50;

CREATE TABLE admin_account (
    name          VARCHAR(64)       NOT NULL PRIMARY KEY,
    changed_at    TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    password_hash VARCHAR(100)      NOT NULL,
    role          VARCHAR(32)       NOT NULL
);

CREATE TABLE chat_message (
    id              UUID                                        NOT NULL PRIMARY KEY,
    conversation_id UUID                                        NOT NULL,
    created_at      TIMESTAMP(6) WITH TIME ZONE                 NOT NULL,
    role            VARCHAR(16)                                 NOT NULL CHECK (role IN ('ASSISTANT', 'SYSTEM', 'TOOL', 'USER')),
    sequence        INTEGER                                     NOT NULL,
    text            OID                      NOT NULL,
    CONSTRAINT uker8463mxr6p9g6m3pq26ehyqr UNIQUE (conversation_id, sequence)
);

CREATE TABLE conversation (
    id            UUID                        NOT NULL PRIMARY KEY,
    created_at    TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    device_id     UUID                        NOT NULL,
    message_count INTEGER                     NOT NULL,
    persona_id    UUID                        NOT NULL,
    title         VARCHAR(80)       NOT NULL,
    updated_at    TIMESTAMP(6) WITH TIME ZONE NOT NULL
);

CREATE TABLE device (
    id           UUID                                    NOT NULL PRIMARY KEY,
    display_name VARCHAR(120)                  NOT NULL,
    first_seen   TIMESTAMP(6) WITH TIME ZONE             NOT NULL,
    last_seen    TIMESTAMP(6) WITH TIME ZONE             NOT NULL,
    persona_id   UUID                                    NOT NULL,
    public_key   BYTEA                      NOT NULL,
    status       VARCHAR(16)                            NOT NULL CHECK (status IN ('APPROVED', 'PENDING', 'REVOKED')),
    CONSTRAINT ukiqaeg0bsopicjshel5vdho4ig UNIQUE (persona_id, public_key)
);

CREATE TABLE installation (
    id              UUID                        NOT NULL PRIMARY KEY,
    created_at      TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    last_started_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    start_count     BIGINT                      NOT NULL
);

CREATE TABLE invite (
    code_hash      BYTEA          NOT NULL PRIMARY KEY,
    created_at     TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    expires_at     TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    persona_id     UUID                        NOT NULL,
    used_at        TIMESTAMP(6) WITH TIME ZONE,
    used_by_device UUID
);

CREATE TABLE persona (
    id                          UUID                        NOT NULL PRIMARY KEY,
    colour                      VARCHAR(7),
    created_at                  TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    key_created_at              TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    name                        VARCHAR(100)      NOT NULL,
    previous_key_valid_until    TIMESTAMP(6) WITH TIME ZONE,
    previous_public_key         BYTEA,
    previous_sealed_private_key BYTEA,
    public_key                  BYTEA          NOT NULL,
    sealed_private_key          BYTEA         NOT NULL,
    system_prompt               VARCHAR(8000),
    CONSTRAINT uks3eaqj445pebya5cn7gjxacfi UNIQUE (name)
);

CREATE TABLE persona_tool (
    id         BIGINT                NOT NULL PRIMARY KEY,
    enabled    BOOLEAN               NOT NULL,
    persona_id UUID                  NOT NULL,
    plugin     VARCHAR(64) NOT NULL,
    CONSTRAINT ukqxwpqj3xw14bxqrvo49pkhs18 UNIQUE (persona_id, plugin)
);

CREATE TABLE reminder (
    id           BIGINT                                              NOT NULL PRIMARY KEY,
    created_at   TIMESTAMP(6) WITH TIME ZONE                         NOT NULL,
    delivered_at TIMESTAMP(6) WITH TIME ZONE,
    device_id    UUID                                                NOT NULL,
    due          TIMESTAMP(6) WITH TIME ZONE                         NOT NULL,
    fired_at     TIMESTAMP(6) WITH TIME ZONE,
    persona_id   UUID                                                NOT NULL,
    state        VARCHAR(16)                                        NOT NULL CHECK (state IN ('CANCELLED', 'DELIVERED', 'FIRED', 'PENDING')),
    text         VARCHAR(600)                              NOT NULL
);
CREATE INDEX idx7pix53faifjcy9r8bpaqk2823 ON reminder (state, due);
CREATE INDEX idx3lsxu65olsr4yipcy6tcqj12w ON reminder (device_id, state);

CREATE TABLE tool_call (
    id              BIGINT                      NOT NULL PRIMARY KEY,
    arguments       VARCHAR(4020),
    called_at       TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    conversation_id UUID,
    device_id       UUID,
    duration_micros BIGINT                      NOT NULL,
    outcome         VARCHAR(32)       NOT NULL,
    persona_id      UUID                        NOT NULL,
    result          VARCHAR(4020),
    tool            VARCHAR(64)       NOT NULL
);
CREATE INDEX idxo09bm2uvclv2rjodwgeqrdtrb ON tool_call (persona_id, called_at);
CREATE INDEX idxrshvunig2kll17q7ugtlye35p ON tool_call (conversation_id, called_at);

/**
 * What {@code ./persona backup} asks of the running host: the H2 database's online backup
 * ({@link dev.persona.web.backup.DatabaseBackupServlet}), for this machine's launcher only. The launcher archives the
 * rest of the data directory itself.
 */
package dev.persona.web.backup;

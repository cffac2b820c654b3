/**
 * The model library (docs/models.md): the GGUF files of the data directory's {@code models/} folder, how one gets
 * there (added by path, uploaded through the console, downloaded from a Hugging Face–compatible hub) and which one
 * the llama pool runs. {@link dev.persona.host.models.ModelLibrary} is the one home of these rules; the console and
 * its upload servlet only carry requests to it. The file checks themselves are plain Java in the {@code models}
 * module ({@code ModelUpload}, {@code HubDownload}), so the command line ({@code ./persona models pull}) runs the
 * same ones; {@link dev.persona.host.models.HubDownloads} keeps the state of the downloads this host runs.
 */
package dev.persona.host.models;

using System.Runtime.CompilerServices;

// The embedded-PostgreSQL tests pass the binary folder and first port directly (no environment-variable races).
[assembly: InternalsVisibleTo("Workflows.Hosting.Tests")]

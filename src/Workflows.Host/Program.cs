// The workflow host and the `workflows` command line:
//   workflows                      serve (workers + HTTP API) on the embedded default PostgreSQL
//   workflows serve [--urls URL]   the same, with options
//   workflows run FILE.yaml|TYPE [-p key=value]… [--wait]
//   workflows jobs list|show|events|logs|cancel …
//   workflows tokens create|list|revoke …
//   workflows db status|start|stop  the embedded default PostgreSQL (it keeps running after hosts exit)
//   workflows doctor [--json]       check the store's invariants (exit 0 healthy, 1 with violations)
//   workflows validate PATH… | translate FILE.yaml
return await Workflows.Host.Commands.HostCommand.RunAsync(args);

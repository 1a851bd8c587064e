// The workflows command line (parsed with System.CommandLine, see WorkflowsCommand for why):
//   workflows translate <job.yaml> [-o File.cs] [--namespace N]
//   workflows validate <files or folders...>
return Workflows.Cli.WorkflowsCommand.Run(args, Console.Out, Console.Error);

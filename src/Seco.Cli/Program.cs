using Seco.Cli;

return SecoCli.Run(args, Console.Out, Console.Error);

using System.Runtime.InteropServices;
using Seco.Cli;

// The first Ctrl-C (SIGINT) asks a running simulation to stop at its next event; `seco run` then reports and writes
// what finished (exit code 130). A second Ctrl-C is not intercepted and ends the process at once.
// Never disposed: a signal can be handled on the runtime's signal thread while Main is already returning, and
// cancelling a disposed source would crash the process on its way out (exit 134 instead of the command's own code).
var interrupt = new CancellationTokenSource();
using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal =>
{
    if (interrupt.IsCancellationRequested) return;
    signal.Cancel = true;
    interrupt.Cancel();
});
// SIGTERM (systemd stop, kill) does the same: `seco node` then leaves the cluster gracefully before it exits.
using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
{
    if (interrupt.IsCancellationRequested) return;
    signal.Cancel = true;
    interrupt.Cancel();
});
return SecoCli.Run(args, Console.Out, Console.Error, interrupt.Token);

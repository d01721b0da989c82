using Akka.Actor;
using Akka.Delivery;
using Akka.Util;
using Seco.Cluster.Wire;

namespace Seco.Cluster.Hosting;

/// <summary>
/// The producer end of one directed server-to-server link of a run: an Akka.Delivery ProducerController that chunks each
/// message into 64 KiB pieces and sends no faster than the consumer's flow-control window (../shared/cluster.md: whole
/// multi-MiB messages starve the failure detector's heartbeats) — in practice only small messages and the
/// announcements of bodies that travel on the bulk lane. Messages wait here, in order, until the controller
/// asks for the next one.
/// </summary>
internal sealed class OutboundLink : UntypedActor
{
    private readonly Queue<ILinkPayload> _waiting = new();
    private IActorRef? _controller;
    private IActorRef? _demand;
    private IActorRef? _consumer;
    private string? _producerId;

    /// <summary>Messages not yet handed to the controller (a link whose consumer never registered keeps them all).</summary>
    public int Waiting => _waiting.Count;

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ProducerController.RequestNext<ILinkPayload> next:
                if (_waiting.TryDequeue(out ILinkPayload? first))
                    next.SendNextTo.Tell(first);
                else
                    _demand = next.SendNextTo;
                break;
            case EncodedSecoMessage or BulkAnnouncement:
                ILinkPayload m = (ILinkPayload)message;
                if (_demand is { } to)
                {
                    _demand = null;
                    to.Tell(m);
                }
                else
                {
                    _waiting.Enqueue(m);
                }
                break;
            case LinkOffer offer:
                // The consumer chose this link's producer id (it accepts no other): the controller is made with it, and
                // the consumer registered, on the first offer only. A resent offer (the peer did not hear LinkAccepted
                // yet) registers nothing again: a consumer registered again would take the link over if it were
                // another (issue 18's review), and the same one registered again while messages are in flight makes
                // the controller mark a resent message as the first of a new sequence, which the consumer may take
                // as a restart and skip the gap before it — announcements lost under CPU starvation with 32 users
                // (issue 22: "body #23 arrived where #25 was announced").
                if (_controller is null)
                {
                    _controller = Context.ActorOf(ProducerController.Create<ILinkPayload>(Context.System, offer.ProducerId, Option<Props>.None), "producer");
                    _controller.Tell(new ProducerController.Start<ILinkPayload>(Self));
                    _consumer = offer.Consumer;
                    _producerId = offer.ProducerId;
                    _controller.Tell(new ProducerController.RegisterConsumer<ILinkPayload>(offer.Consumer));
                }
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}

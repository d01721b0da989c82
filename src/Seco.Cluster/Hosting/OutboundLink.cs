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
                // The consumer chose this link's producer id (it accepts no other): the controller is made with it on
                // the first offer; a resent offer only registers the same consumer again.
                if (_controller is null)
                {
                    _controller = Context.ActorOf(ProducerController.Create<ILinkPayload>(Context.System, offer.ProducerId, Option<Props>.None), "producer");
                    _controller.Tell(new ProducerController.Start<ILinkPayload>(Self));
                    _consumer = offer.Consumer;
                    _producerId = offer.ProducerId;
                }
                // A consumer registered again would take the link over: only the first offer's consumer and producer id
                // are this run's (a peer's consumer lives as long as the run; issue 18's review).
                if (offer.Consumer.Equals(_consumer) && offer.ProducerId == _producerId)
                    _controller.Tell(new ProducerController.RegisterConsumer<ILinkPayload>(offer.Consumer));
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}

using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests.Review21;

/// <summary>
/// Review 21: a misconfigured deployment — A runs one F_BC protocol, B and C the other (MLP, l = 0, one tier of two).
/// Nothing may be predicted from garbage, no node may crash or wait for ever: every query must end as a named failure
/// the user sees, and no garbled table may reach C in the DELPHI-3 roles nor B's share labels reach C.
/// </summary>
[Trait("Category", "SecurityReview21")]
public class MixedProtocolTests
{
    [Theory]
    [InlineData(FbcProtocol.Delphi3, FbcProtocol.Seco)]
    [InlineData(FbcProtocol.Seco, FbcProtocol.Delphi3)]
    public void A_and_the_servers_on_different_protocols_fail_every_query_by_name(FbcProtocol gateway, FbcProtocol servers)
    {
        var model = EndToEndTests.Model("mlp.onnx");
        ulong[][] inputs = EndToEndTests.Inputs(model, 2);
        ModelSplit deployment = ModelSplit.Create(model, 0, EndToEndTests.Context.Value, protocol: gateway);
        SecoParameters atServers = ModelSplit.ParametersOf(model, 0, EndToEndTests.Context.Value, protocol: servers);
        var loop = new ProtocolLoopback(
            [new UserRole(deployment.Parameters.ForUser(), inputs), new GatewayRole(deployment.Parameters, deployment.Gateway),
             .. atServers.Servers.Select(s => RemoteServerRole.For(atServers, deployment.Share(s), s))])
        { FailQueriesOnError = true };
        loop.Run();

        Assert.Empty(loop.Events.OfType<PredictionReady>());
        Assert.Equal([0, 1], loop.Events.OfType<QueryFailed>().Select(f => f.Query).Order());
        Assert.NotEmpty(loop.Failures);
        Assert.All(loop.Failures, f => Assert.IsType<ProtocolViolationException>(f.Error));
        Party c = Party.Server(1, 1);
        Assert.DoesNotContain(loop.Delivered, d => d.To == c && d.Message is GarblerInput);
    }
}

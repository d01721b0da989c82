using Seco.Nn.FixedPoint;
using Seco.Protocol.Crypto;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests;

/// <summary>
/// The roles' state machines reject well-formed messages that do not fit: wrong sender, unknown or finished query,
/// wrong phase, duplicates. Uses the MLP at l = 1 (F_A = block 1, F_BC = blocks 2 (ReLU) and 3).
/// </summary>
public class RoleValidationTests(RoleValidationTests.Session session) : IClassFixture<RoleValidationTests.Session>
{
    private const int Split = 1;

    /// <summary>Four roles that completed setup and one query through the loopback, kept for probing afterwards.</summary>
    public sealed class Session
    {
        public Session()
            : this(ModelSplit.Create(EndToEndTests.Model("mlp.onnx"), Split, EndToEndTests.Context.Value))
        {
        }

        /// <summary>A session of <paramref name="deployment"/> (the MLP at l = <see cref="Split"/>) run for one query.</summary>
        internal Session(ModelSplit deployment)
        {
            Model = EndToEndTests.Model("mlp.onnx");
            Deployment = deployment;
            Input = EndToEndTests.Inputs(Model, 1)[0];
            User = new UserRole(Deployment.Parameters.ForUser(), [Input]);
            Gateway = new GatewayRole(Deployment.Parameters, Deployment.Gateway);
            Garbler = new GarblerRole(Deployment.Parameters, Deployment.Garbler);
            Evaluator = new EvaluatorRole(Deployment.Parameters, Deployment.Evaluator);
            Loop = new ProtocolLoopback(User, Gateway, Garbler, Evaluator);
            Loop.Run();
        }

        public FixedPointModel Model { get; }

        public ModelSplit Deployment { get; }

        public ulong[] Input { get; }

        public UserRole User { get; }

        public GatewayRole Gateway { get; }

        public GarblerRole Garbler { get; }

        public EvaluatorRole Evaluator { get; }

        internal ProtocolLoopback Loop { get; }

        /// <summary>A message the run actually delivered (for replays).</summary>
        internal T Delivered<T>(Party to) where T : SecoMessage => Loop.Delivered.Where(d => d.To == to).Select(d => d.Message).OfType<T>().First();
    }

    private static void AssertViolation(ISecoRole role, Party from, SecoMessage message, string problem)
    {
        var outbox = new Outbox();
        var ex = Assert.Throws<ProtocolViolationException>(() => role.Handle(from, message, outbox));
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        Assert.Empty(outbox.Messages);
    }

    private ulong[] Values(int block) => ZpRandom.Uniform(session.Deployment.Parameters.Block(block).Columns);

    [Fact]
    public void The_session_completed()
    {
        Assert.Single(session.Loop.Events.OfType<PredictionReady>());
    }

    // ---- User ----

    [Theory]
    [InlineData("Garbler")]
    [InlineData("Evaluator")]
    [InlineData("User")]
    public void User_accepts_messages_only_from_the_gateway(string fromName)
    {
        Party from = TestParties.Of(fromName);
        AssertViolation(session.User, from, new QueryReady(0), $"the user talks only to the gateway, got QueryReady from {from}");
        AssertViolation(session.User, from, session.Delivered<OutputCiphertext>(Party.User), "talks only to the gateway");
    }

    [Fact]
    public void User_rejects_kinds_it_never_receives_and_unknown_queries()
    {
        AssertViolation(session.User, Party.Gateway, new MaskShares(0, []), "the user does not expect MaskShares");
        AssertViolation(session.User, Party.Gateway, new MaskedActivation(0, 1, Values(1)), "the user does not expect MaskedActivation");
        AssertViolation(session.User, Party.Gateway, new OtResponse(0, OtPurpose.EvaluatorShare, 2, []), "the user does not expect OtResponse");
        AssertViolation(session.User, Party.Gateway, new QueryReady(7), "query 7 is not a query the user has in flight");
        AssertViolation(session.User, Party.Gateway, new GarblerInput(7, 1, []), "query 7 is not a query the user has in flight");
        // Query 0 has finished: neither an output share nor a circuit input for it is accepted any more.
        AssertViolation(session.User, Party.Gateway, new OutputShare(0, new ulong[10]), "query 0 is not a query the user has in flight");
        AssertViolation(session.User, Party.Gateway, new GarblerInput(0, 2, []), "query 0 is not a query the user has in flight");
    }

    [Fact]
    public void User_rejects_a_second_output_for_a_finished_query()
    {
        // The run delivered query 0's output; the same ciphertext again must not produce another prediction.
        var own = new Session();
        AssertViolation(own.User, Party.Gateway, own.Delivered<OutputCiphertext>(Party.User), "query 0");
    }

    // ---- Setup messages are accepted once per session ----

    [Fact]
    public void Every_setup_message_is_accepted_once()
    {
        // The session ran setup: a second copy of any key (or of the setup start) would replace keys mid-session.
        AssertViolation(session.User, Party.Gateway, session.Delivered<GatewayWelcome>(Party.User), "a second GatewayWelcome");
        AssertViolation(session.Gateway, Party.Garbler, new ServerReady(), "tier 1 garbler announced itself ready twice");
        foreach (ISecoRole server in new ISecoRole[] { session.Garbler, session.Evaluator })
        {
            Party self = server.Self;
            AssertViolation(server, Party.Gateway, session.Delivered<SetupBegin>(self), "a second SetupBegin");
            AssertViolation(server, Party.Gateway, session.Delivered<CollectiveKeys>(self), "a second copy of the collective keys");
            AssertViolation(server, Party.Gateway, session.Delivered<UserPublicKey>(self), "a second public key for user 0");
        }
    }

    [Fact]
    public void Remote_servers_decrypt_only_their_own_query_products_once()
    {
        // B decrypts ModSwitch(own + C's product) for a query it prepared, once; C's products again, or for a query B
        // never prepared, are refused — A cannot route ciphertexts of its choice to B's key share.
        var own = new Session();
        LinearShares fromC = own.Loop.Delivered.Where(d => d.From == Party.Evaluator && d.To == Party.Garbler).Select(d => d.Message).OfType<LinearShares>().First();
        AssertViolation(own.Garbler, Party.Evaluator, fromC, "query 0 is unknown here");
        AssertViolation(own.Garbler, Party.Gateway, fromC, "LinearShares must come from tier 1 evaluator, not gateway");
        AssertViolation(own.Garbler, Party.Evaluator, new LinearShares(5, fromC.Ciphertexts), "query 5 is unknown here");
    }

    [Theory]
    [InlineData(nameof(MaskAggregate), "unexpected mask aggregate for query 0")]
    [InlineData(nameof(LinearShares), "unexpected linear shares from tier 1 evaluator for query 0")]
    public void A_server_multiplies_once_per_query_even_after_it_has_decrypted(string replayed, string refusal)
    {
        // Once B has sent its decryption shares, the same query's MaskAggregate (from A) or C's products arrive again (a
        // replay): B refuses by name instead of multiplying again with the same s² (found by the second review); the
        // query is aborted, the next one runs.
        FixedPointModel model = EndToEndTests.Model("mlp.onnx");
        var sent = new List<(Party From, Party To, SecoMessage Message)>();
        ProtocolLoopback loop = EndToEndTests.Loopback(ModelSplit.Create(model, Split, EndToEndTests.Context.Value), EndToEndTests.Inputs(model, 2), failQueries: true,
            inject: (from, to, m) =>
            {
                sent.Add((from, to, m));
                if (from != Party.Garbler || m is not DecryptionShares { Query: 0 })
                    return [];
                return sent.Where(e => e.To == Party.Garbler && e.Message is QueryMessage { Query: 0 } && e.Message.GetType().Name == replayed).ToList();
            });
        loop.Run();

        var failure = Assert.Single(loop.Failures);
        Assert.Equal((Party.Garbler, refusal), (failure.At, failure.Error.Message));
        Assert.Equal(2, loop.Delivered.Count(d => d.From == Party.Garbler && d.Message is LinearShares { Query: 0 })); // to A and to C, once
        Assert.Equal([1], loop.Events.OfType<PredictionReady>().Select(p => p.Query));
    }

    // ---- Gateway ----

    [Theory]
    [InlineData("Garbler")]
    [InlineData("Evaluator")]
    [InlineData("Gateway")]
    public void Gateway_takes_the_masked_input_only_from_the_user(string fromName)
    {
        Party from = TestParties.Of(fromName);
        AssertViolation(session.Gateway, from, new MaskedActivation(0, 1, Values(1)), $"MaskedActivation must come from user, not {from}");
        AssertViolation(session.Gateway, from, new GatewayCircuitOutput(0, 1, new ulong[128]), $"GatewayCircuitOutput must come from user, not {from}");
        AssertViolation(session.Gateway, from, new UserPreprocessing(1, [], []), "must come from user");
    }

    [Theory]
    [InlineData("User")]
    [InlineData("Gateway")]
    public void Gateway_takes_server_messages_only_from_B_and_C(string fromName)
    {
        Party from = TestParties.Of(fromName);
        // The user is told only that the gateway does not take the message from it, not which servers may send it
        // (the user learns neither the depth nor the widths behind A; issue 18's review).
        string Servers(string kind) => from.IsUser ? $"the gateway does not take {kind} from the user" : "must come from tier 1 garbler or tier 1 evaluator";
        AssertViolation(session.Gateway, from, new MaskShares(0, []), from.IsUser ? Servers("MaskShares") : $"MaskShares must come from tier 1 garbler or tier 1 evaluator, not {from}");
        AssertViolation(session.Gateway, from, new DecryptionShares(0, []), Servers("DecryptionShares"));
        AssertViolation(session.Gateway, from, new OutputCiphertext(0, []), Servers("OutputCiphertext"));
        AssertViolation(session.Gateway, from, new ServerReady(), Servers("ServerReady"));
    }

    [Fact]
    public void Gateway_takes_provider_labels_only_from_the_garbler_and_readiness_only_from_the_evaluator()
    {
        AssertViolation(session.Gateway, Party.Evaluator, new OtResponse(0, OtPurpose.ProviderLabels, 0, []), "OtResponse must come from tier 1 garbler, not tier 1 evaluator");
        AssertViolation(session.Gateway, Party.Garbler, new EvaluatorReady(0), "EvaluatorReady must come from tier 1 evaluator, not tier 1 garbler");
    }

    [Fact]
    public void Gateway_rejects_unknown_and_finished_queries()
    {
        AssertViolation(session.Gateway, Party.User, new MaskedActivation(5, 1, Values(1)), "query 5 is unknown at the gateway");
        // Query 0 finished: a replay of the user's masked input, or a late circuit output, is refused.
        AssertViolation(session.Gateway, Party.User, session.Delivered<MaskedActivation>(Party.Gateway), "query 0 is unknown at the gateway");
        AssertViolation(session.Gateway, Party.User, new GatewayCircuitOutput(0, 1, new ulong[128]), "query 0 is unknown at the gateway");
        AssertViolation(session.Gateway, Party.Garbler, new MaskShares(3, []), "query 3 is unknown at the gateway");
        AssertViolation(session.Gateway, Party.Evaluator, new OutputCiphertext(3, []), "query 3 is unknown at the gateway");
        AssertViolation(session.Gateway, Party.Evaluator, new EvaluatorReady(3), "query 3 is unknown at the gateway");
    }

    [Fact]
    public void Gateway_rejects_kinds_it_never_receives_and_repeated_setup()
    {
        AssertViolation(session.Gateway, Party.Garbler, new OtResponse(0, OtPurpose.EvaluatorShare, 2, []), "the gateway does not expect OtResponse");
        AssertViolation(session.Gateway, Party.Garbler, new GarblerInput(0, 2, []), "the gateway does not expect GarblerInput");
        AssertViolation(session.Gateway, Party.User, new OtRequest(0, OtPurpose.EvaluatorShare, 2, []), "the gateway does not expect OtRequest");
        AssertViolation(session.Gateway, Party.User, new QueryReady(0), "the gateway does not expect QueryReady");
        AssertViolation(session.Gateway, Party.User, session.Delivered<UserJoin>(Party.Gateway), "the user joined twice");
        AssertViolation(session.Gateway, Party.Garbler, session.Delivered<ServerKeyShares>(Party.Gateway), "tier 1 garbler sent its key shares twice");
    }

    [Fact]
    public void Gateway_rejects_a_replayed_user_preprocessing_for_a_finished_query()
    {
        var own = new Session(); // a replay that is (wrongly) accepted changes the gateway's state
        AssertViolation(own.Gateway, Party.User, own.Delivered<UserPreprocessing>(Party.Gateway), "query 0");
    }

    [Fact]
    public void Gateway_rejects_user_preprocessing_before_setup()
    {
        var gateway = new GatewayRole(session.Deployment.Parameters, session.Deployment.Gateway);
        gateway.Start(new Outbox());
        AssertViolation(gateway, Party.User, new UserPreprocessing(0, [[1]], [[1], [2]]), "a message from a user that has not joined");
    }

    // ---- B and C ----

    [Theory]
    [InlineData("User")]
    [InlineData("Evaluator")]
    [InlineData("Garbler")]
    public void Remote_servers_take_setup_and_preparation_only_from_the_gateway(string fromName)
    {
        Party from = TestParties.Of(fromName);
        foreach (ISecoRole role in new ISecoRole[] { session.Garbler, session.Evaluator })
        {
            AssertViolation(role, from, session.Delivered<SetupBegin>(Party.Garbler), $"SetupBegin must come from gateway, not {from}");
            AssertViolation(role, from, new CollectiveKeys([], [], []), "must come from gateway");
            AssertViolation(role, from, new UserPublicKey(0, []), "must come from gateway");
            AssertViolation(role, from, new MaskAggregate(0, []), "must come from gateway");
        }
    }

    [Fact]
    public void Garbler_checks_senders_and_steps()
    {
        AssertViolation(session.Garbler, Party.Gateway, new OtBase([]), "OtBase must come from tier 1 evaluator, not gateway");
        AssertViolation(session.Garbler, Party.Evaluator, new OtBase([]), "tier 1 evaluator's OT base setup arrived twice");
        AssertViolation(session.Garbler, Party.Evaluator, new OtRequest(0, OtPurpose.ProviderLabels, 0, []), "OtRequest must come from gateway, not tier 1 evaluator");
        AssertViolation(session.Garbler, Party.Gateway, new OtRequest(0, OtPurpose.EvaluatorMasks, 0, []), "OtRequest must come from tier 1 evaluator, not gateway");
        AssertViolation(session.Garbler, Party.Gateway, new OtRequest(0, OtPurpose.EvaluatorShare, 2, []), "OtRequest must come from tier 1 evaluator, not gateway");
        AssertViolation(session.Garbler, Party.Evaluator, new OtRequest(9, OtPurpose.EvaluatorShare, 2, []), "unexpected OT request for block 2 of query 9");
        AssertViolation(session.Garbler, Party.Evaluator, new GarblerInput(0, 2, []), "the garbler does not expect GarblerInput");
        AssertViolation(session.Garbler, Party.Gateway, new OutputCiphertext(0, []), "the garbler does not expect OutputCiphertext");
        // x_{l+1} − r_{l+1} comes from A only, x_{i+1} − r_{i+1} (i > l+1) from C only, never from the user.
        AssertViolation(session.Garbler, Party.User, new MaskedActivation(0, Split + 1, Values(Split + 1)), "query 0 is unknown here");
        AssertViolation(session.Garbler, Party.Evaluator, new MaskedActivation(0, Split + 1, Values(Split + 1)), "query 0 is unknown here");
        AssertViolation(session.Garbler, Party.Gateway, new MaskedActivation(0, Split + 2, Values(Split + 2)), "query 0 is unknown here");
        // Wrong length for the block.
        AssertViolation(session.Garbler, Party.Gateway, new MaskedActivation(0, Split + 1, new ulong[3]), "query 0 is unknown here");
    }

    [Fact]
    public void Evaluator_checks_senders_and_steps()
    {
        AssertViolation(session.Evaluator, Party.Gateway, new OtBase([]), "OtBase must come from tier 1 garbler, not gateway");
        AssertViolation(session.Evaluator, Party.Gateway, new GarbledCircuits(0, []), "GarbledCircuits must come from tier 1 garbler, not gateway");
        AssertViolation(session.Evaluator, Party.Garbler, new ProviderLabels(0, 0, []), "ProviderLabels must come from gateway, not tier 1 garbler");
        AssertViolation(session.Evaluator, Party.Gateway, new GarblerInput(0, 2, []), "GarblerInput must come from tier 1 garbler, not gateway");
        AssertViolation(session.Evaluator, Party.Gateway, new OtResponse(0, OtPurpose.EvaluatorShare, 2, []), "OtResponse must come from tier 1 garbler, not gateway");
        AssertViolation(session.Evaluator, Party.Garbler, new OtResponse(4, OtPurpose.EvaluatorShare, 2, []), "no online step for block 2 of query 4");
        AssertViolation(session.Evaluator, Party.Garbler, new GarblerInput(4, 2, []), "no online step for block 2 of query 4");
        AssertViolation(session.Evaluator, Party.Garbler, new OtRequest(0, OtPurpose.EvaluatorShare, 2, []), "the evaluator does not expect OtRequest");
        // C never receives a masked activation from B (only sends it), nor x_{i+1} − r_{i+1} for i > l+1 from A.
        AssertViolation(session.Evaluator, Party.Garbler, new MaskedActivation(0, Split + 2, Values(Split + 2)), "query 0 is unknown here");
        AssertViolation(session.Evaluator, Party.Gateway, new MaskedActivation(0, Split + 2, Values(Split + 2)), "query 0 is unknown here");
    }

    [Fact]
    public void Remote_servers_refuse_queries_before_setup()
    {
        var garbler = new GarblerRole(session.Deployment.Parameters, session.Deployment.Garbler);
        var evaluator = new EvaluatorRole(session.Deployment.Parameters, session.Deployment.Evaluator);
        foreach (ISecoRole role in new ISecoRole[] { garbler, evaluator })
        {
            AssertViolation(role, Party.Gateway, new PreparationBegin(0), "query 0 before setup finished");
            AssertViolation(role, Party.Gateway, new MaskedActivation(0, Split + 1, Values(Split + 1)), "query 0 is unknown here");
        }
    }

    [Fact]
    public void Evaluator_rejects_the_transition_for_an_unprepared_or_finished_query()
    {
        // Query 0 finished in the run (C dropped its state); query 42 was never prepared.
        var own = new Session();
        AssertViolation(own.Evaluator, Party.Gateway, new MaskedActivation(42, Split + 1, Values(Split + 1)), "query 42");
        AssertViolation(own.Evaluator, Party.Gateway, own.Delivered<MaskedActivation>(Party.Evaluator), "query 0");
    }

    [Fact]
    public void Garbler_rejects_the_transition_for_an_unprepared_query()
    {
        var own = new Session();
        AssertViolation(own.Garbler, Party.Gateway, new MaskedActivation(43, Split + 1, Values(Split + 1)), "query 43");
    }
}

using Seco.Lattice.Bfv;
using Seco.Lattice.Parameters;
using Seco.Nn.Data;
using Seco.Nn.Field;
using Seco.Nn.FixedPoint;
using Seco.Nn.Onnx;
using Seco.Protocol.Model.Linear;
using Seco.Protocol.Model.Planning;
using Seco.Tests.Shared;
using Xunit;

namespace Seco.Protocol.Tests.Planning;

/// <summary>
/// Issue 20: a block's linear part as the protocol will compute it — main branch and shortcut, in the matrix and in the
/// convolution form — equals the fixed-point reference's pre-truncation block output mod p: in plaintext, on additive
/// weight shares, and homomorphically at the SECO preset, on the activations a real input produces.
/// </summary>
public sealed class BlockOperatorTests : IDisposable
{
    private readonly BfvContext _context = BfvContext.Create(BfvPresets.Seco8192());
    private readonly KeyGenerator _keys;
    private readonly Encryptor _encryptor;
    private readonly Decryptor _decryptor;
    private readonly BatchEncoder _encoder;
    private readonly Evaluator _evaluator;

    public BlockOperatorTests()
    {
        _keys = new KeyGenerator(_context);
        _encryptor = new Encryptor(_context, _keys.CreatePublicKey(), _keys.SecretKey);
        _decryptor = new Decryptor(_context, _keys.SecretKey);
        _encoder = new BatchEncoder(_context);
        _evaluator = new Evaluator(_context);
    }

    public void Dispose()
    {
        _encryptor.Dispose();
        _keys.Dispose();
    }

    public static TheoryData<string, int, LinearForm> Cases()
    {
        var data = new TheoryData<string, int, LinearForm>();
        foreach (int b in new[] { 0, 1, 2, 3 }) data.Add("models/minionn.onnx", b, LinearForm.Matrix);
        foreach (int b in new[] { 0, 1 }) data.Add("models/minionn.onnx", b, LinearForm.Conv);
        data.Add("models/lenet.onnx", 0, LinearForm.Conv);
        data.Add("models/lenet.onnx", 1, LinearForm.Conv);
        // the residual fixture: stem, identity / option A / option B blocks (conv2 + shortcut), logits
        foreach (int b in new[] { 0, 2, 4, 6, 7 }) data.Add("tests/data/residual/three-blocks.onnx", b, LinearForm.Matrix);
        foreach (int b in new[] { 0, 1, 2, 3, 4, 5, 6 }) data.Add("tests/data/residual/three-blocks.onnx", b, LinearForm.Conv);
        // ResNet-32 as the planner forms it: the stage-2 entry's conv2 with its option-A shortcut (16 → 32 channels,
        // two ciphertexts in, one out), stage 3's entry likewise, and a stage-3 identity block as matrices
        data.Add("models/resnet32.onnx", 12, LinearForm.Conv);
        data.Add("models/resnet32.onnx", 22, LinearForm.Conv);
        data.Add("models/resnet32.onnx", 24, LinearForm.Matrix);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Equals_the_reference_in_plaintext_on_shares_and_homomorphically(string file, int index, LinearForm form)
    {
        var model = new FixedPointModel(OnnxImporter.Load(Path.Combine(TestHost.Root, file)), FixedPointFormat.Default);
        long[] input = InputFor(model);
        FixedPointResult reference = FixedPointReference.Forward(model, input);
        long[] In(int block) => block == 0 ? input : reference.BlockOutputs[block - 1];

        FixedPointBlock block = model.Blocks[index];
        long[] expectedSigned = In(index);
        foreach (QuantizedLayer layer in block.Layers) expectedSigned = layer.Apply(expectedSigned);
        if (block.Block.Skip is { } skip)
        {
            long[] s = In(skip.Source - 1);
            foreach (QuantizedLayer layer in block.SkipLayers) s = layer.Apply(s);
            expectedSigned = [.. expectedSigned.Select((v, i) => checked(v + (block.SkipMultiplier * s[i])))];
        }

        ulong[] expected = Array.ConvertAll(expectedSigned, PrimeField.FromSigned);
        BlockOperator op = BlockOperator.Build(block, _context, form);
        Assert.Equal(form, op.Form);
        ulong[] x = Array.ConvertAll(In(index), PrimeField.FromSigned);
        ulong[] xj = op.Shortcut is null ? [] : Array.ConvertAll(In(op.ShortcutSource - 1), PrimeField.FromSigned);

        // plaintext
        Assert.Equal(expected, op.Apply(op.Weights, op.ShortcutWeights, op.Bias, x, xj));

        // two additive shares of every weight array, uniform on the support
        var random = new Random(index);
        (ulong[] A, ulong[] B) Split(ulong[] w, bool[]? support) =>
            (w.Select((_, i) => support is null || support[i] ? (ulong)random.NextInt64((long)PrimeField.P) : 0).ToArray() is var a
                ? (a, w.Select((v, i) => PrimeField.Subtract(v, a[i])).ToArray()) : default);
        var (w1, w2) = Split(op.Weights, op.Main.StructuralSupport);
        var (s1, s2) = Split(op.ShortcutWeights, op.Shortcut?.StructuralSupport);
        var (b1, b2) = Split(op.Bias, null);
        ulong[] sum = [.. op.Apply(w1, s1, b1, x, xj).Zip(op.Apply(w2, s2, b2, x, xj), PrimeField.Add)];
        Assert.Equal(expected, sum);

        // homomorphically: each operand packed and encrypted, multiplied by its weights, the products added
        GaloisKeys keys = _keys.CreateGaloisKeysFromElements(op.GaloisElements());
        Ciphertext[] y = Multiply(op.Main, op.Weights, x, keys);
        if (op.Shortcut is { } shortcut)
        {
            Ciphertext[] s = Multiply(shortcut, op.ShortcutWeights, op.ShortcutInput(xj), keys);
            for (int c = 0; c < y.Length; c++) _evaluator.AddInplace(y[c], s[c]);
        }

        ulong[] decrypted = op.Main.UnpackOutput([.. y.Select(ct => _encoder.Decode(_decryptor.Decrypt(ct)))]);
        Assert.Equal(expected, decrypted.Select((v, i) => PrimeField.Add(v, op.Bias[i])));
        Assert.All(y, ct => Assert.True(_decryptor.InvariantNoiseBudget(ct) > 0));
    }

    private Ciphertext[] Multiply(HeForm form, ulong[] weights, ulong[] x, GaloisKeys keys)
    {
        Ciphertext[] cts = [.. form.PackInput(x).Select(s => _encryptor.Encrypt(_encoder.Encode(s)))];
        return form.Encode(_context, weights).Multiply(_evaluator, cts, keys);
    }

    private static long[] InputFor(FixedPointModel model)
    {
        ImageSet images = IdxFile.Load(Path.Combine(TestHost.Root, "models", "fashion-mnist-test-1000-images-idx3-ubyte"));
        if (images.Fits(model.Model.Input))
        {
            return [.. images.InputFor(7, model.Model.Input).Select(model.Format.Encode)];
        }

        var random = new Random(3);
        return [.. Enumerable.Range(0, model.Model.Input.Size).Select(_ => model.Format.Encode(random.NextDouble()))];
    }

    [Fact]
    public void A_conv_shortcut_off_the_main_grid_is_refused_and_the_matrix_runs_it()
    {
        var model = new FixedPointModel(OnnxImporter.Load(Path.Combine(TestHost.Root, "tests", "data", "residual", "three-blocks.onnx")), FixedPointFormat.Default);
        // the option-B block's conv2 runs on the 16×2×2 grid the shortcut reaches with stride 2: both forms apply
        Assert.Equal(LinearForm.Conv, BlockOperator.Build(model.Blocks[6], _context, LinearForm.Conv).Form);
        var e = Assert.Throws<ArgumentException>(() => BlockOperator.Build(model.Blocks[7], _context, LinearForm.Conv));
        Assert.Contains("not a convolution", e.Message);
    }
}

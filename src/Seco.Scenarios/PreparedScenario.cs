using System.Security.Cryptography;
using Seco.Nn;
using Seco.Nn.Data;
using Seco.Nn.FixedPoint;
using Seco.Nn.Layers;
using Seco.Nn.Onnx;

namespace Seco.Scenarios;

/// <summary>One inference to run: its input in [0, 1] and, when known, the true label.</summary>
public sealed record Query(int Index, string Source, double[] Input, int? Label);

/// <summary>
/// A scenario joined with what its files contain: the imported model, its fixed-point form, and
/// the query inputs. <see cref="Prepare"/> performs every check that needs those files (split
/// point against the model's blocks, image shape against the model's input, enough images for
/// the queries) and reports failures in the loader's file:line:column format. Only inference
/// scenarios can be prepared: the echo workload has no model and no query inputs.
/// </summary>
public sealed class PreparedScenario
{
    private PreparedScenario(Scenario scenario, NeuralModel model, FixedPointModel fixedModel, IReadOnlyList<Query> queries)
    {
        Scenario = scenario;
        Model = model;
        FixedModel = fixedModel;
        Queries = queries;
    }

    public Scenario Scenario { get; }

    public NeuralModel Model { get; }

    public FixedPointModel FixedModel { get; }

    public IReadOnlyList<Query> Queries { get; }

    /// <exception cref="ScenarioValidationException">
    /// The files do not fit the scenario, or its workload is not inference (one error at <c>workload</c>).
    /// </exception>
    public static PreparedScenario Prepare(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        SourceMap src = scenario.Source;
        if (scenario.Workload is not InferenceWorkload || scenario.Model is not { } spec)
            throw new ScenarioValidationException([src.ErrorAt("workload",
                $"needs an inference workload: the {scenario.Workload.Name} workload has no model or query inputs to prepare")]);
        NeuralModel model;
        FixedPointModel fixedModel;
        try
        {
            model = OnnxImporter.Load(spec.Path);
            fixedModel = new FixedPointModel(model, new FixedPointFormat(spec.FractionalBits));
        }
        catch (ModelFormatException e)
        {
            throw new ScenarioValidationException([src.ErrorAt("model", e.Message)]);
        }
        var errors = new List<ScenarioError>();
        // DELPHI is SECO at l = L: every block on the gateway, no remote tier (paper §VIII-C-1-a).
        if (scenario.Protocol == InferenceProtocol.Delphi)
            scenario = scenario with { Split = model.MaxSplit };
        if (scenario.Split > model.MaxSplit)
            errors.Add(src.ErrorAt("split", $"split {scenario.Split} is past the model's last block; '{model.Name}' has {model.Blocks.Count} blocks, so split must be 0..{model.MaxSplit}"));
        IReadOnlyList<Query> queries = [];
        try
        {
            queries = LoadQueries(scenario, model, errors);
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException)
        {
            errors.Add(src.ErrorAt("queries.input", e.Message));
        }
        if (errors.Count > 0) throw new ScenarioValidationException(errors);
        return new PreparedScenario(scenario, model, fixedModel, queries);
    }

    private static IReadOnlyList<Query> LoadQueries(Scenario scenario, NeuralModel model, List<ScenarioError> errors)
    {
        int count = scenario.Queries.Count;
        int n = model.Input.Size;
        switch (scenario.Queries.Input)
        {
            case IdxInput idx:
            {
                ImageSet set = IdxFile.Load(idx.ImagesPath, idx.LabelsPath);
                if (!set.Fits(model.Input))
                {
                    errors.Add(scenario.Source.ErrorAt("queries.input.images", $"images are {set.Rows}×{set.Columns} but model '{model.Name}' expects input {model.Input}"));
                    return [];
                }
                if ((long)idx.Offset + count > set.Count)
                {
                    errors.Add(scenario.Source.ErrorAt("queries.count", $"{count} queries from offset {idx.Offset} need {idx.Offset + count} images; the file holds {set.Count}"));
                    return [];
                }
                return Enumerable.Range(idx.Offset, count)
                    .Select((image, k) => new Query(k, $"image #{image}", set.InputFor(image, model.Input), set.HasLabels ? set.Label(image) : null))
                    .ToArray();
            }
            case RandomInput:
            {
                // A seed makes the inputs replayable (tests and experiments only); otherwise the OS CSPRNG.
                Random? seeded = scenario.Seed is { } seed ? new Random(unchecked((int)seed ^ (int)(seed >> 32))) : null;
                var queries = new Query[count];
                for (int k = 0; k < count; k++)
                {
                    var pixels = new byte[n];
                    if (seeded is not null) seeded.NextBytes(pixels);
                    else RandomNumberGenerator.Fill(pixels);
                    queries[k] = new Query(k, "random", pixels.Select(b => b / 255.0).ToArray(), null);
                }
                return queries;
            }
            default:
                throw new InvalidOperationException($"unknown query input {scenario.Queries.Input.GetType().Name}");
        }
    }
}

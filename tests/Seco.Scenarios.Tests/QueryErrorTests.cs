namespace Seco.Scenarios.Tests;

public sealed class QueryErrorTests : IDisposable
{
    private readonly ScenarioFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Minimal + queries whose input mapping starts on line 10.</summary>
    private string WithInput(string input) => Yaml.Minimal + "\nqueries:\n  input:\n" + input;

    [Fact]
    public void Missing_images_file()
    {
        string missing = Path.Combine(_folder.Models, "no-images");
        Assert.Equal($"scenarios/x.yaml:10:13: queries.input.images: file not found: {missing}",
            _folder.Error(WithInput("    images: ../models/no-images")));
    }

    [Fact]
    public void Missing_labels_file()
    {
        string missing = Path.Combine(_folder.Models, "no-labels");
        Assert.Equal($"scenarios/x.yaml:11:13: queries.input.labels: file not found: {missing}",
            _folder.Error(WithInput("    images: ../models/images-idx3-ubyte\n    labels: ../models/no-labels")));
    }

    [Theory]
    [InlineData("    images: ../models/images-idx3-ubyte\n    random: true", "scenarios/x.yaml:10:5: queries.input: set either 'images' or 'random: true', not both")]
    [InlineData("    random: false", "scenarios/x.yaml:10:13: queries.input.random: only 'random: true' is meaningful; to read inputs from a file, set 'images' instead")]
    [InlineData("    random: yes", "scenarios/x.yaml:10:13: queries.input.random: expected a boolean, got a string 'yes'")]
    [InlineData("    random: true\n    offset: 3", "scenarios/x.yaml:11:13: queries.input.offset: only valid with 'images'")]
    [InlineData("    offset: 3", "scenarios/x.yaml:10:5: queries.input.images: required key is missing (set 'images' to an IDX file, or 'random: true')")]
    [InlineData("    images: ../models/images-idx3-ubyte\n    offset: -1", "scenarios/x.yaml:11:13: queries.input.offset: out of range: got -1, must be >= 0")]
    public void Bad_inputs(string input, string expected)
    {
        Assert.Equal(expected, _folder.Error(WithInput(input)));
    }
}

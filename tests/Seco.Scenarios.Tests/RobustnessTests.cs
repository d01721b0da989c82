using FsCheck;
using FsCheck.Fluent;

namespace Seco.Scenarios.Tests;

/// <summary>
/// Whatever the text, loading either returns a scenario or throws a
/// <see cref="ScenarioValidationException"/> whose errors are one-line and positioned — never
/// another exception.
/// </summary>
public sealed class RobustnessTests : IDisposable
{
    private readonly ScenarioFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Mutated_scenarios_load_or_fail_with_positioned_errors()
    {
        const string alphabet = " :-[]{},'\"#&*!|>\n\tabcxyz019_.";
        Gen<(int Position, int Delete, string Insert)> edit =
            from position in Gen.Choose(0, Yaml.Full.Length)
            from delete in Gen.Choose(0, 3)
            from insert in Gen.Elements(alphabet.ToCharArray()).ListOf().Select(cs => new string([.. cs.Take(3)]))
            select (position, delete, insert);

        Prop.ForAll(Arb.From(edit), e =>
        {
            int delete = Math.Min(e.Delete, Yaml.Full.Length - e.Position);
            string text = Yaml.Full.Remove(e.Position, delete).Insert(e.Position, e.Insert);
            try
            {
                _folder.Load(text);
            }
            catch (ScenarioValidationException ex)
            {
                Assert.NotEmpty(ex.Errors);
                Assert.All(ex.Errors, error =>
                {
                    Assert.True(error.Line >= 1 && error.Column >= 1, error.ToString());
                    Assert.DoesNotContain('\n', error.ToString());
                    Assert.StartsWith($"{ScenarioFolder.SourceName}:{error.Line}:{error.Column}: ", error.ToString());
                });
            }
        }).QuickCheckThrowOnFailure();
    }

    /// <summary>A mutation the property test found: "*>" at offset 285 left a tier whose roles could not be defaulted.</summary>
    [Fact]
    public void A_tier_without_two_distinct_servers_for_the_roles_is_a_positioned_error()
    {
        string text = Yaml.Full.Remove(285, 2).Insert(285, "*>\n");
        try
        {
            _folder.Load(text);
        }
        catch (ScenarioValidationException ex)
        {
            Assert.All(ex.Errors, error => Assert.StartsWith($"{ScenarioFolder.SourceName}:{error.Line}:{error.Column}: ", error.ToString()));
        }
    }
    /// <summary>
    /// YamlDotNet throws ArgumentException (not YamlException) for a verbatim tag that is empty or
    /// not a URI; it escaped the loader and `seco validate` printed an internal error (exit 2).
    /// </summary>
    [Theory]
    [InlineData("a: !<> 1", 1, 4)]
    [InlineData("version: 1\nb: !<%1b%5d0;PWNED%07> 1", 2, 4)]
    [InlineData("version: 1\nb: [1, !<> 2]", 2, 8)]
    public void An_invalid_verbatim_tag_is_a_positioned_syntax_error(string text, int line, int column)
    {
        var ex = Assert.Throws<ScenarioValidationException>(() => _folder.Load(text));
        ScenarioError error = Assert.Single(ex.Errors);
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Contains("malformed YAML", error.Message);
        Assert.DoesNotContain('\u001b', error.ToString());
    }
}

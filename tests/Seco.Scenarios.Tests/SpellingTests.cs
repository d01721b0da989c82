using Seco.Scenarios.Loading;

namespace Seco.Scenarios.Tests;

public sealed class SpellingTests
{
    private static readonly string[] Keys = ["name", "servers", "garbler", "evaluator"];

    [Theory]
    [InlineData("servrs", "servers")]
    [InlineData("sevrers", "servers")]   // transposition
    [InlineData("SERVERS", "servers")]   // case
    [InlineData("nam", "name")]
    [InlineData("garbeler", "garbler")]
    [InlineData("evaluater", "evaluator")]
    public void Near_names_are_suggested(string given, string expected)
    {
        Assert.Equal(expected, Spelling.Nearest(given, Keys));
    }

    [Theory]
    [InlineData("colour")]
    [InlineData("x")]
    [InlineData("tiers")]
    public void Far_names_are_not(string given)
    {
        Assert.Null(Spelling.Nearest(given, Keys));
    }

    [Fact]
    public void Single_letter_names_are_not_misspellings_of_each_other()
    {
        Assert.Null(Spelling.Nearest("D", ["user", "A", "B", "C"]));
        Assert.Equal("C", Spelling.Nearest("c", ["user", "A", "B", "C"]));
    }

    [Theory]
    [InlineData("", "", 0)]
    [InlineData("abc", "", 3)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("ab", "ba", 1)]
    [InlineData("ca", "abc", 3)] // optimal string alignment, not unrestricted Damerau (which gives 2)
    public void Distance(string a, string b, int expected)
    {
        Assert.Equal(expected, Spelling.Distance(a, b));
        Assert.Equal(expected, Spelling.Distance(b, a));
    }
}

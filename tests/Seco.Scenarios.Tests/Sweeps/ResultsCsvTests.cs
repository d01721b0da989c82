using System.Globalization;
using Seco.Scenarios.Sweeps;
using Seco.Tests.Shared;

namespace Seco.Scenarios.Tests.Sweeps;

/// <summary>results.csv is RFC 4180 in the invariant culture, one row per point, and reads back as written.</summary>
public sealed class ResultsCsvTests : IDisposable
{
    private readonly SweepFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("", "")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("cr\rhere", "\"cr\rhere\"")]
    [InlineData(" padded ", "\" padded \"")]
    public void FieldsAreQuotedExactlyWhenTheyMustBe(string value, string expected) => Assert.Equal(expected, Csv.Field(value));

    [Fact]
    public void RecordsEndWithCrLfAndReadBack()
    {
        string[] fields = ["1", "a,b", "say \"hi\"", "two\r\nlines", ""];
        string record = Csv.Record(fields);
        Assert.EndsWith("\r\n", record);
        Assert.Equal(fields, Assert.Single(CsvText.Parse(record)));
    }

    [Fact]
    public void RowsAreWrittenInTheInvariantCultureAndReadBackColumnByColumn()
    {
        SweepPlan plan = SweepPlan.Build(_folder.Load("version: 1\nbase: base.yaml\ngrid:\n  split: [0, 2]\n  network: [[lan]]\n"));
        var values = new Dictionary<string, double>
        {
            ["wall_s"] = 1234.5678901234,
            [SweepMeasures.TotalBytesSent] = 86_390_336,
            ["B.bytes_sent"] = 1_000_000,
            [SweepMeasures.UserWaiting] = 0.5,
        };
        string path = Path.Combine(_folder.Root, "results.csv");
        CultureInfo before = CultureInfo.CurrentCulture;
        try
        {
            // A culture with a decimal comma and a thousands dot, as de-DE has (the tests run in invariant-globalization
            // mode, which has no named cultures): nothing of it may reach the file.
            var comma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            comma.NumberFormat.NumberDecimalSeparator = ",";
            comma.NumberFormat.NumberGroupSeparator = ".";
            CultureInfo.CurrentCulture = comma;
            Assert.Equal("0,5", 0.5.ToString()); // the culture bites where the invariant one is not asked for
            using ResultsCsv csv = ResultsCsv.Create(path, plan);
            csv.Append(new SweepRow(plan.Points[0], PointStatus.Ok, true, values));
            csv.Append(new SweepRow(plan.Points[1], PointStatus.Error, null, new Dictionary<string, double>(), "InvalidOperationException: it broke, \"badly\"\nhere"));
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }

        string text = File.ReadAllText(path);
        List<string[]> records = CsvText.Parse(text);
        Assert.Equal(ResultsCsv.Columns(plan), records[0]);
        Assert.Equal(["point", "split", "network", "status", "bit_exact"], records[0][..5]);
        Assert.Equal("error", records[0][^1]);
        Assert.Contains("C.alloc_bytes", records[0]);
        List<Dictionary<string, string>> rows = CsvText.Rows(text);
        Assert.Equal(2, rows.Count);
        Assert.Equal(("1", "0", "lan", "ok", "true"), (rows[0]["point"], rows[0]["split"], rows[0]["network"], rows[0]["status"], rows[0]["bit_exact"]));
        Assert.Equal("1234.567890123", rows[0]["wall_s"]);
        Assert.Equal("86390336", rows[0][SweepMeasures.TotalBytesSent]);
        Assert.Equal("1000000", rows[0]["B.bytes_sent"]);
        Assert.Equal("0.5", rows[0][SweepMeasures.UserWaiting]);
        Assert.Equal("", rows[0]["A.bytes_sent"]);   // not measured: empty, never 0
        Assert.Equal("", rows[0]["error"]);
        Assert.Equal(("2", "error", ""), (rows[1]["point"], rows[1]["status"], rows[1]["bit_exact"]));
        Assert.Equal("InvalidOperationException: it broke, \"badly\" | here", rows[1]["error"]);
    }
}

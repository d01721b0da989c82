namespace Seco.Protocol.Model.Deployment;

/// <summary>
/// A party file that cannot be used: not a party file, another format version, another party's file, truncated,
/// corrupted (a hash does not match), inconsistent with itself or made for other HE parameters. The message names
/// the file and the problem. (It derives from Exception, like ModelFormatException: InvalidDataException is sealed.)
/// </summary>
public sealed class PartyFileException : Exception
{
    public PartyFileException(string path, string problem, Exception? innerException = null)
        : base($"{path}: {problem}", innerException)
    {
        Path = path;
        Problem = problem;
    }

    /// <summary>The file (or the name the bytes were given).</summary>
    public string Path { get; }

    /// <summary>The message without the file name.</summary>
    public string Problem { get; }
}

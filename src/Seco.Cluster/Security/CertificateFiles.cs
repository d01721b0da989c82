namespace Seco.Cluster.Security;

/// <summary>
/// Writes certificate files all or nothing as far as a refusal goes: every target is checked before the first byte
/// is written. Each file is written to a temporary name in the same folder and renamed into place, so a key file
/// is never visible half-written nor, even for an instant, with looser permissions than 0600.
/// </summary>
internal static class CertificateFiles
{
    /// <param name="Secret">Holds a private key: created 0600.</param>
    public sealed record Planned(string Name, string Holds, bool Secret, Func<byte[]> Contents);

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Public = OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static IReadOnlyList<WrittenFile> WriteAll(string directory, IReadOnlyList<Planned> files, bool force)
    {
        string dir = Path.GetFullPath(directory);
        if (File.Exists(dir)) throw new DevCertificateException($"{dir} is a file; the certificates need a folder");
        var folders = files.Where(f => Directory.Exists(Path.Combine(dir, f.Name))).Select(f => f.Name).ToList();
        if (folders.Count > 0) throw new DevCertificateException($"{dir} has folders where certificate files go: {string.Join(", ", folders)}");
        var existing = files.Where(f => File.Exists(Path.Combine(dir, f.Name))).Select(f => f.Name).ToList();
        if (existing.Count > 0 && !force)
            throw new DevCertificateException($"refusing to overwrite {existing.Count} existing file(s) in {dir}: {string.Join(", ", existing)} (force, --force in `seco certs`, replaces them)");

        if (!Directory.Exists(dir))
        {
            // The folder will hold private keys: owner only from the start.
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
            else Directory.CreateDirectory(dir, OwnerOnly | UnixFileMode.UserExecute);
        }
        var written = new List<WrittenFile>();
        foreach (Planned file in files)
        {
            string path = Path.Combine(dir, file.Name);
            Write(path, file.Contents(), file.Secret ? OwnerOnly : Public, force);
            written.Add(new WrittenFile(path, file.Holds, file.Secret));
        }
        return written;
    }

    private static void Write(string path, byte[] contents, UnixFileMode mode, bool replace)
    {
        string temporary = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = mode;
        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(contents);
                stream.Flush(flushToDisk: true);
            }
            // Without replace, a file that appeared since the check makes the move fail rather than be overwritten.
            File.Move(temporary, path, overwrite: replace);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}

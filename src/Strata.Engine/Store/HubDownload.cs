// One file's download into {file}.partial: resumed with Range after a broken connection, hashed as it streams, refused on a wrong SHA-256.
using System.Net;
using System.Security.Cryptography;

namespace Strata.Engine.Store;

/// <summary>Downloads one hub file into its partial path and verifies it; the caller moves it into place.</summary>
internal sealed class HubDownload
{
    private const int BufferBytes = 1 << 16;

    private readonly HubClient _hub;
    private readonly Uri _uri;
    private readonly HubFile _file;
    private readonly string _partialPath;
    private readonly IProgress<PullProgress>? _progress;

    public HubDownload(HubClient hub, Uri uri, HubFile file, string partialPath, IProgress<PullProgress>? progress)
    {
        _hub = hub;
        _uri = uri;
        _file = file;
        _partialPath = partialPath;
        _progress = progress;
    }

    /// <summary>Downloads, resuming up to <paramref name="maxAttempts"/> times, then verifies; returns the file's size.</summary>
    /// <exception cref="ModelStoreException">Every attempt broke off (the partial file is kept for the next pull), or the hash is wrong (it is deleted).</exception>
    public async Task<long> RunAsync(int maxAttempts, CancellationToken cancellation)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_partialPath)!);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await AttemptAsync(cancellation).ConfigureAwait(false);
                break;
            }
            catch (Exception e) when (attempt < maxAttempts && e is IOException or HttpRequestException or ModelStoreException { InnerException: HttpRequestException })
            {
                // The connection broke off: the bytes written so far stay, and the next attempt asks for the rest.
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                throw new ModelStoreException($"download of {_uri} broke off after {maxAttempts} attempts with {new FileInfo(_partialPath).Length} bytes kept in {_partialPath}: {e.Message}; run the pull again to resume", e);
            }
        }

        return Verify();
    }

    private async Task AttemptAsync(CancellationToken cancellation)
    {
        long have = File.Exists(_partialPath) ? new FileInfo(_partialPath).Length : 0;
        if (_file.SizeBytes is long total && have >= total)
        {
            return;
        }

        using var request = _hub.Request(_uri, have);
        using var response = await _hub.Send(request, cancellation).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            return;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new ModelStoreException($"hub download {_uri} answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }

        // A server that ignores Range answers 200 with the whole file: start over rather than append it.
        bool resumed = have > 0 && response.StatusCode == HttpStatusCode.PartialContent;
        using var output = new FileStream(_partialPath, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, BufferBytes);
        long received = resumed ? have : 0;
        using var body = await response.Content.ReadAsStreamAsync(cancellation).ConfigureAwait(false);
        byte[] buffer = new byte[BufferBytes];
        int read;
        while ((read = await body.ReadAsync(buffer, cancellation).ConfigureAwait(false)) > 0)
        {
            await output.WriteAsync(buffer.AsMemory(0, read), cancellation).ConfigureAwait(false);
            received += read;
            _progress?.Report(new PullProgress(_file.Path, received, _file.SizeBytes));
        }
    }

    // Hashes the whole partial file (resumed bytes included) and deletes it when the hash or size is not the listed one.
    private long Verify()
    {
        string actual;
        long size;
        using (var stream = new FileStream(_partialPath, FileMode.Open, FileAccess.Read, FileShare.Read, BufferBytes))
        {
            actual = Convert.ToHexStringLower(SHA256.HashData(stream));
            size = stream.Length;
        }

        if (actual != _file.Sha256)
        {
            File.Delete(_partialPath);
            throw new ModelStoreException($"'{_file.Path}' from {_uri} failed verification: expected SHA-256 {_file.Sha256}, got {actual} ({size} bytes); the download was deleted");
        }

        return size;
    }
}

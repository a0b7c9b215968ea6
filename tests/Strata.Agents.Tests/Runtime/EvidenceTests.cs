// The evidence ledger as a task leaves it: intact untouched, and any change to any field of any record names that record.
using Microsoft.Data.Sqlite;
using Strata.Evidence.Ledger;

namespace Strata.Agents.Tests.Runtime;

public sealed class EvidenceTests
{
    private static readonly string[] Columns = ["seq", "kind", "at_ticks", "at_offset_minutes", "payload", "prev_hash", "hash"];

    [Fact]
    public async Task Verify_AnyFieldOfAnyRecordChanged_NamesThatRecord()
    {
        using var bed = new AgentTestBed();
        var runtime = bed.Runtime(AgentTestBed.Script(
            AgentTestBed.Call("append_line", new { path = "${input.output_file}", line = "a" }),
            AgentTestBed.Call("rm_rf", new { path = "/" })));
        var id = runtime.Submit(bed.Contract("append_line"));
        Assert.Equal(AgentTaskStatus.Completed, (await runtime.RunAsync(id)).Status);
        var count = bed.Store.Ledger(id).Count;
        Assert.True(LedgerChain.Verify(id, bed.Store.Ledger(id)).Intact);
        bed.Store.Dispose();
        SqliteConnection.ClearAllPools();

        for (var sequence = 0; sequence < count; sequence++)
        {
            foreach (var column in Columns)
            {
                var copy = Path.Combine(bed.Folder, $"altered-{sequence}-{column}.db");
                File.Copy(bed.StorePath, copy);
                Alter(copy, id, sequence, column);
                using (var store = SqliteCheckpointStore.Open(copy))
                {
                    var verdict = LedgerChain.Verify(id, store.Ledger(id));
                    Assert.False(verdict.Intact, $"{column} of record {sequence} changed unnoticed");
                    Assert.Equal(sequence, verdict.FirstBadSequence);
                }

                SqliteConnection.ClearAllPools();
                File.Delete(copy);
            }
        }
    }

    // Changes one byte (or one unit) of one field, as someone editing the file would.
    private static void Alter(string path, string taskId, int sequence, string column)
    {
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = column switch
        {
            "seq" => "UPDATE ledger SET seq = seq + 1000 WHERE task_id = $t AND seq = $s",
            "at_ticks" or "at_offset_minutes" => $"UPDATE ledger SET {column} = {column} + 1 WHERE task_id = $t AND seq = $s",
            _ => $"UPDATE ledger SET {column} = substr({column}, 1, length({column}) - 2) || char((unicode(substr({column}, -2, 1)) | 1) - (unicode(substr({column}, -2, 1)) & 1)) || substr({column}, -1) WHERE task_id = $t AND seq = $s",
        };
        command.Parameters.AddWithValue("$t", taskId);
        command.Parameters.AddWithValue("$s", sequence);
        Assert.Equal(1, command.ExecuteNonQuery());
    }
}

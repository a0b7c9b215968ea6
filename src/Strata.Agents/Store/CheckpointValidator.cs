// Checks a checkpoint before any store writes it: every row belongs to its task and every enum has a name.
namespace Strata.Agents;

/// <summary>Rejects a malformed <see cref="Checkpoint"/> with the field that is wrong; any store can use it.</summary>
internal static class CheckpointValidator
{
    /// <summary>Validates <paramref name="checkpoint"/>.</summary>
    /// <exception cref="ArgumentException">a row belongs to another task, a value is missing or an enum is unnamed</exception>
    public static void Validate(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var taskId = checkpoint.TaskId;
        if (string.IsNullOrWhiteSpace(taskId))
        {
            throw Invalid("checkpoint.TaskId is empty");
        }

        if (checkpoint.Task is { } task && (task.TaskId != taskId || !Enum.IsDefined(task.Status)))
        {
            throw Invalid($"checkpoint of task '{taskId}' carries the row of task '{task.TaskId}' with status {task.Status}");
        }

        foreach (var step in checkpoint.Steps)
        {
            if (step.TaskId != taskId || step.Index < 0 || !Enum.IsDefined(step.Kind) || !Enum.IsDefined(step.Status))
            {
                throw Invalid($"checkpoint of task '{taskId}' carries step {step.Index} of task '{step.TaskId}' with "
                    + $"kind {step.Kind} and status {step.Status} (the task must match, the index be 0 or more, "
                    + "and kind and status be named values)");
            }
        }

        foreach (var approval in checkpoint.Approvals)
        {
            if (approval.TaskId != taskId || !Enum.IsDefined(approval.Kind) || !Enum.IsDefined(approval.Status))
            {
                throw Invalid($"checkpoint of task '{taskId}' carries approval '{approval.ApprovalId}' of task "
                    + $"'{approval.TaskId}' with kind {approval.Kind} and status {approval.Status} (the task must match, "
                    + "and kind and status be named values)");
            }
        }

        foreach (var memory in checkpoint.Memories)
        {
            if (memory.TaskId != taskId || !Enum.IsDefined(memory.Classification) || string.IsNullOrEmpty(memory.Key))
            {
                throw Invalid($"checkpoint of task '{taskId}' carries a memory of task '{memory.TaskId}' under key "
                    + $"'{memory.Key}' classified {memory.Classification} (the task must match, the key be given, the classification a named value)");
            }
        }

        ValidateBlobsAndEvidence(checkpoint);
    }

    private static void ValidateBlobsAndEvidence(Checkpoint checkpoint)
    {
        for (var index = 0; index < checkpoint.Blobs.Count; index++)
        {
            if (checkpoint.Blobs[index] is null)
            {
                throw Invalid($"checkpoint of task '{checkpoint.TaskId}' carries a null blob at Blobs[{index}]");
            }
        }

        for (var index = 0; index < checkpoint.Evidence.Count; index++)
        {
            var append = checkpoint.Evidence[index];
            if (append is null || string.IsNullOrWhiteSpace(append.Kind) || append.PayloadJson is null)
            {
                throw Invalid($"checkpoint of task '{checkpoint.TaskId}' carries Evidence[{index}] without a kind or payload");
            }
        }
    }

    private static ArgumentException Invalid(string message) => new(message);
}

using Strata.Engine.Tests;

namespace Strata.Cluster.Tests;

public sealed class ProjectTests
{
    [Fact]
    public void SharedModelsAreBeside() => Assert.True(Directory.Exists(SharedModels.Directory), SharedModels.Directory);
}

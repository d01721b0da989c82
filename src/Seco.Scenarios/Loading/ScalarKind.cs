namespace Seco.Scenarios.Loading;

/// <summary>The type of a scalar under the YAML 1.2 core schema (quoted scalars are always strings).</summary>
internal enum ScalarKind
{
    Null,
    Boolean,
    Integer,
    Float,
    String,
}

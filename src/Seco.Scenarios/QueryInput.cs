namespace Seco.Scenarios;

/// <summary>Where the queries' inputs come from: <see cref="IdxInput"/> or <see cref="RandomInput"/>.</summary>
public abstract record QueryInput;

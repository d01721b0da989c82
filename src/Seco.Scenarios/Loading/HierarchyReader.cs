namespace Seco.Scenarios.Loading;

/// <summary>
/// Reads <c>hierarchy</c>: the gateway and the tiers. Checks the structure in general (names,
/// uniqueness across all parties, at least one tier of at least two servers); what a protocol
/// version supports is <see cref="ScenarioRequirements"/>' business.
/// </summary>
internal sealed class HierarchyReader
{
    private readonly LoadContext _context;

    /// <summary>Every party name seen so far (case-insensitive, as names may not differ only in case) and where.</summary>
    private readonly Dictionary<string, SourceLocation> _parties = new(StringComparer.OrdinalIgnoreCase);

    private readonly Dictionary<string, SourceLocation> _tierNames = new(StringComparer.OrdinalIgnoreCase);

    private HierarchyReader(LoadContext context) => _context = context;

    /// <summary>
    /// Every party named in the hierarchy, "user" first, or null when some name could not be read
    /// (then references to parties cannot be checked without false alarms).
    /// </summary>
    public List<string>? Parties { get; private set; } = [PartyName.User];

    public static (Hierarchy? Hierarchy, PartyList? Parties) Read(LoadContext context, SourceNode node, string path)
    {
        var reader = new HierarchyReader(context);
        Hierarchy? hierarchy = reader.ReadHierarchy(node, path);
        return (hierarchy, reader.Parties is { } parties ? new PartyList(parties) : null);
    }

    private Hierarchy? ReadHierarchy(SourceNode node, string path)
    {
        if (_context.ExpectMapping(node, path) is not { } mapping)
        {
            Parties = null;
            return null;
        }
        int before = _context.ErrorCount;
        var fields = new MappingReader(_context, mapping, path, "gateway", "tiers");
        string? gateway = ReadGateway(fields);

        var tiers = new List<Tier>();
        SourceNode? tiersNode = fields.Require("tiers");
        SourceSequence? list = tiersNode is null ? null : _context.ExpectSequence(tiersNode, fields.PathOf("tiers"));
        if (list is null)
        {
            Parties = null;
        }
        else
        {
            if (list.Items.Count == 0)
                _context.Error(list.Location, fields.PathOf("tiers"), "at least one tier is required");
            for (int i = 0; i < list.Items.Count; i++)
            {
                string tierPath = FieldPath.Index(fields.PathOf("tiers"), i);
                _context.Record(tierPath, list.Items[i]);
                if (ReadTier(list.Items[i], tierPath) is { } tier)
                    tiers.Add(tier);
            }
        }
        return _context.ErrorCount == before && gateway is not null ? new Hierarchy(gateway, tiers) : null;
    }

    private string? ReadGateway(MappingReader fields)
    {
        if (fields.Get("gateway") is not { } node)
        {
            Parties?.Add(Hierarchy.DefaultGateway);
            _parties.Add(Hierarchy.DefaultGateway, SourceLocation.None);
            return Hierarchy.DefaultGateway;
        }
        if (_context.ExpectMapping(node, fields.PathOf("gateway")) is not { } mapping)
        {
            Parties = null;
            return null;
        }
        var gateway = new MappingReader(_context, mapping, fields.PathOf("gateway"), "name");
        if (gateway.Get("name") is not { } nameNode)
        {
            Parties?.Add(Hierarchy.DefaultGateway);
            _parties.Add(Hierarchy.DefaultGateway, mapping.Location);
            return Hierarchy.DefaultGateway;
        }
        return ReadParty(nameNode, gateway.PathOf("name"));
    }

    private Tier? ReadTier(SourceNode node, string path)
    {
        if (_context.ExpectMapping(node, path) is not { } mapping)
        {
            Parties = null;
            return null;
        }
        int before = _context.ErrorCount;
        var fields = new MappingReader(_context, mapping, path, "name", "servers", "garbler", "evaluator", "blocks");

        string? name = fields.Require("name") is { } nameNode ? ReadTierName(nameNode, fields.PathOf("name")) : null;

        var servers = new List<string>();
        if (fields.Require("servers") is { } serversNode && _context.ExpectSequence(serversNode, fields.PathOf("servers")) is { } list)
        {
            if (list.Items.Count < Tier.MinServers)
                _context.Error(list.Location, fields.PathOf("servers"), $"a tier needs at least {Tier.MinServers} servers, got {list.Items.Count}");
            for (int i = 0; i < list.Items.Count; i++)
            {
                string serverPath = FieldPath.Index(fields.PathOf("servers"), i);
                _context.Record(serverPath, list.Items[i]);
                if (ReadParty(list.Items[i], serverPath) is { } server)
                    servers.Add(server);
            }
        }
        else
        {
            Parties = null;
        }

        string? garbler = ReadRole(fields, "garbler", servers);
        string? evaluator = ReadRole(fields, "evaluator", servers);
        int? blocks = fields.Get("blocks") is { } blocksNode ? _context.ReadInt(blocksNode, fields.PathOf("blocks"), 1) : null;
        if (_context.ErrorCount > before || name is null)
            return null;

        // Defaults: the first and second server, or, when one role is given, the first other server.
        garbler ??= servers.FirstOrDefault(s => s != evaluator);
        evaluator ??= servers.FirstOrDefault(s => s != garbler);
        if (garbler is null || evaluator is null)
        {
            // e.g. the same server listed twice (a repeat is reported with the party list, later)
            _context.Error(fields.Require("servers")!.Location, fields.PathOf("servers"),
                $"a tier needs two different servers for garbler and evaluator, got [{string.Join(", ", servers)}]");
            return null;
        }
        if (garbler == evaluator)
        {
            _context.Error(fields.Get("evaluator")!.Location, fields.PathOf("evaluator"),
                $"garbler and evaluator must be different servers, got '{garbler}' for both");
            return null;
        }
        return new Tier(name, servers, garbler, evaluator) { Blocks = blocks };
    }

    private string? ReadRole(MappingReader fields, string role, List<string> servers)
    {
        if (fields.Get(role) is not { } node || _context.ReadString(node, fields.PathOf(role)) is not { } name)
            return null;
        if (!servers.Contains(name, StringComparer.Ordinal))
        {
            _context.Error(node.Location, fields.PathOf(role),
                () => $"'{SourceScalar.Shorten(name)}' is not a server of this tier" + Spelling.Hint(name, servers, "servers"));
            return null;
        }
        return name;
    }

    private string? ReadTierName(SourceNode node, string path)
    {
        if (_context.ReadString(node, path) is not { } name)
            return null;
        if (!PartyName.IsValid(name))
        {
            _context.Error(node.Location, path, $"invalid name '{SourceScalar.Shorten(name)}': must match {PartyName.Pattern} (a letter, then up to 31 letters, digits, '_' or '-')");
            return null;
        }
        if (_tierNames.TryGetValue(name, out SourceLocation first))
        {
            _context.Error(node.Location, path, $"duplicate tier name '{name}' (first used at {first})");
            return null;
        }
        _tierNames.Add(name, node.Location);
        return name;
    }

    /// <summary>A gateway or server name: valid, not reserved, not used before by another party.</summary>
    private string? ReadParty(SourceNode node, string path)
    {
        if (_context.ReadString(node, path) is not { } name)
        {
            Parties = null;
            return null;
        }
        if (PartyName.ProblemWithServerName(name) is { } problem)
        {
            _context.Error(node.Location, path, problem);
            Parties = null;
            return null;
        }
        if (_parties.TryGetValue(name, out SourceLocation first))
        {
            string where = first.IsKnown ? $"already used at {first}" : $"the gateway is named '{Hierarchy.DefaultGateway}' by default";
            _context.Error(node.Location, path, $"duplicate party name '{name}' ({where})");
            return null;
        }
        _parties.Add(name, node.Location);
        Parties?.Add(name);
        return name;
    }
}

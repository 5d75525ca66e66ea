// The node half of Graph's mutation API: adding, removing, rewiring and ordering nodes.
namespace Onnxc.GraphIR;

public sealed partial class Graph
{
    /// <summary>
    /// Adds a node reading <paramref name="inputs"/> (null: omitted optional input) and defining new values named
    /// <paramref name="outputNames"/> (null or "": omitted optional output). It is placed before
    /// <paramref name="before"/> when given, else at the end.
    /// </summary>
    public Node AddNode(
        string opType,
        IReadOnlyList<Value?> inputs,
        IReadOnlyList<string?> outputNames,
        IEnumerable<NodeAttribute>? attributes = null,
        string domain = "",
        string? name = null,
        Node? before = null)
    {
        var node = new Node(this, opType, domain, name ?? string.Empty);
        for (int i = 0; i < inputs.Count; i++)
        {
            node._inputs.Add(inputs[i]);
            inputs[i]?._uses.Add(new Use(node, i));
        }

        for (int i = 0; i < outputNames.Count; i++)
        {
            if (string.IsNullOrEmpty(outputNames[i]))
            {
                node._outputs.Add(null);
                continue;
            }

            Value v = NewValue(outputNames[i]!);
            v.Producer = node;
            v.ProducerOutputIndex = i;
            node._outputs.Add(v);
        }

        if (attributes is not null)
        {
            foreach (NodeAttribute a in attributes)
            {
                node._attributes.Add(a);
                AdoptSubgraphs(node, a);
            }
        }

        if (before is null)
        {
            _nodes.Add(node);
        }
        else
        {
            int at = _nodes.IndexOf(before);
            if (at < 0)
            {
                throw new InvalidOperationException($"{before} is not in graph '{Name}'");
            }

            _nodes.Insert(at, node);
        }

        Model.CountChange();
        return node;
    }

    /// <summary>Adds a node with <paramref name="outputCount"/> outputs under fresh names made from the op type.</summary>
    public Node AddNode(string opType, IReadOnlyList<Value?> inputs, int outputCount = 1, IEnumerable<NodeAttribute>? attributes = null, string domain = "", Node? before = null)
    {
        var names = new string?[outputCount];
        for (int i = 0; i < outputCount; i++)
        {
            names[i] = Model.FreshName(opType.ToLowerInvariant() + "_out");
        }

        return AddNode(opType, inputs, names, attributes, domain, Model.FreshName(opType), before);
    }

    /// <summary>Removes a node whose outputs nothing reads any more (nor the graph outputs).</summary>
    public void RemoveNode(Node node)
    {
        RequireOwn(node);
        foreach (Value? o in node._outputs)
        {
            if (o is not null && (o._uses.Count > 0 || o.IsGraphOutput))
            {
                throw new InvalidOperationException($"cannot remove {node.Describe()}: its output {o} is still used");
            }
        }

        for (int i = 0; i < node._inputs.Count; i++)
        {
            node._inputs[i]?._uses.Remove(new Use(node, i));
        }

        foreach (Value? o in node._outputs)
        {
            if (o is not null)
            {
                Forget(o);
                o.Producer = null;
            }
        }

        DetachSubgraphUses(node);
        _nodes.Remove(node);
        node.IsRemoved = true;
        Model.CountChange();
    }

    /// <summary>Sets input <paramref name="index"/> of <paramref name="node"/>, growing the input list if needed.</summary>
    public void SetInput(Node node, int index, Value? value)
    {
        RequireOwn(node);
        while (node._inputs.Count <= index)
        {
            node._inputs.Add(null);
        }

        Value? old = node._inputs[index];
        if (old == value)
        {
            return;
        }

        old?._uses.Remove(new Use(node, index));
        node._inputs[index] = value;
        value?._uses.Add(new Use(node, index));
        Model.CountChange();
    }

    /// <summary>Drops trailing inputs from index <paramref name="count"/> on.</summary>
    public void TruncateInputs(Node node, int count)
    {
        RequireOwn(node);
        for (int i = node._inputs.Count - 1; i >= count; i--)
        {
            node._inputs[i]?._uses.Remove(new Use(node, i));
            node._inputs.RemoveAt(i);
            Model.CountChange();
        }
    }

    /// <summary>
    /// Makes every reader of <paramref name="from"/> read <paramref name="to"/> instead. When <paramref name="from"/>
    /// is a graph output, the output keeps its name: <paramref name="to"/> takes it over if it is a plain node
    /// output of this graph, else an Identity node is added to carry the name.
    /// </summary>
    public void ReplaceAllUsesWith(Value from, Value to)
    {
        if (from == to)
        {
            return;
        }

        foreach (Use use in from._uses.ToArray())
        {
            use.Node.Graph.SetInput(use.Node, use.InputIndex, to);
        }

        for (int i = 0; i < OutputList.Count; i++)
        {
            if (OutputList[i] != from)
            {
                continue;
            }

            bool canTakeName = to.Graph == this && to.Producer is not null && !to.IsGraphOutput && from.Producer is not null;
            if (canTakeName)
            {
                string name = from.Name;
                string tempName = Model.FreshName(name + "_replaced");
                Rename(from, tempName);
                Rename(to, name);
                to.Type ??= from.Type;
                OutputList[i] = to;
            }
            else
            {
                // The old value must give up its name before the Identity can define it.
                string name = from.Name;
                if (from.Producer is not null)
                {
                    Rename(from, Model.FreshName(name + "_replaced"));
                    Node id = AddNode("Identity", [to], [name]);
                    id.Outputs[0]!.Type = from.Type ?? to.Type;
                    OutputList[i] = id.Outputs[0]!;
                }
                else
                {
                    Node id = AddNode("Identity", [to], [Model.FreshName(name)]);
                    id.Outputs[0]!.Type = from.Type ?? to.Type;
                    OutputList[i] = id.Outputs[0]!;
                }
            }

            Model.CountChange();
        }
    }

    /// <summary>Sets an attribute, replacing one of the same name.</summary>
    public void SetAttribute(Node node, NodeAttribute attribute)
    {
        RequireOwn(node);
        int at = node._attributes.FindIndex(a => a.Name == attribute.Name);
        if (at >= 0)
        {
            if (node._attributes[at] == attribute)
            {
                return;
            }

            node._attributes[at] = attribute;
        }
        else
        {
            node._attributes.Add(attribute);
        }

        AdoptSubgraphs(node, attribute);
        Model.CountChange();
    }

    public bool RemoveAttribute(Node node, string name)
    {
        RequireOwn(node);
        int removed = node._attributes.RemoveAll(a => a.Name == name);
        if (removed > 0)
        {
            Model.CountChange();
        }

        return removed > 0;
    }

    /// <summary>Sets the descriptive fields a node carries through a round trip.</summary>
    public void SetNodeInfo(Node node, string? name = null, string? docString = null, string? overload = null)
    {
        RequireOwn(node);
        if (name is not null)
        {
            node.Name = name;
        }

        node.DocString = docString ?? node.DocString;
        node.Overload = overload ?? node.Overload;
    }

    /// <summary>Removes a node's doc string (an empty one would still be written: the field has presence).</summary>
    public void ClearDocString(Node node)
    {
        RequireOwn(node);
        node.DocString = null;
    }

    /// <summary>Moves <paramref name="node"/> to sit just before <paramref name="anchor"/>.</summary>
    public void MoveBefore(Node node, Node anchor)
    {
        RequireOwn(node);
        RequireOwn(anchor);
        _nodes.Remove(node);
        _nodes.Insert(_nodes.IndexOf(anchor), node);
        Model.CountChange();
    }

    /// <summary>
    /// Reorders nodes so every node follows the producers of what it reads (including values read inside its
    /// subgraphs), keeping the current order wherever it is already valid. Throws on a cycle.
    /// </summary>
    public void SortTopologically()
    {
        List<Node>? order = TopologicalOrder(out Node? cycleNode);
        if (order is null)
        {
            throw new InvalidOperationException($"graph '{Name}' has a cycle through {cycleNode!.Describe()}");
        }

        if (!order.SequenceEqual(_nodes))
        {
            _nodes.Clear();
            _nodes.AddRange(order);
            Model.CountChange();
        }
    }

    /// <summary>A stable topological order, or null (and a node on the cycle) when there is none.</summary>
    public List<Node>? TopologicalOrder(out Node? cycleNode)
    {
        cycleNode = null;
        var position = new Dictionary<Node, int>();
        for (int i = 0; i < _nodes.Count; i++)
        {
            position[_nodes[i]] = i;
        }

        var state = new Dictionary<Node, byte>(); // 1 visiting, 2 done
        var order = new List<Node>(_nodes.Count);
        foreach (Node root in _nodes)
        {
            if (state.ContainsKey(root))
            {
                continue;
            }

            var stack = new Stack<(Node Node, IEnumerator<Node> Deps)>();
            state[root] = 1;
            stack.Push((root, Dependencies(root).OrderBy(n => position[n]).GetEnumerator()));
            while (stack.Count > 0)
            {
                (Node node, IEnumerator<Node> deps) = stack.Peek();
                if (deps.MoveNext())
                {
                    Node dep = deps.Current;
                    if (!state.TryGetValue(dep, out byte s))
                    {
                        state[dep] = 1;
                        stack.Push((dep, Dependencies(dep).OrderBy(n => position[n]).GetEnumerator()));
                    }
                    else if (s == 1)
                    {
                        cycleNode = dep;
                        return null;
                    }
                }
                else
                {
                    stack.Pop();
                    state[node] = 2;
                    order.Add(node);
                }
            }
        }

        return order;
    }

    /// <summary>Nodes of this graph whose outputs <paramref name="node"/> reads, directly or inside its subgraphs.</summary>
    private IEnumerable<Node> Dependencies(Node node)
    {
        var seen = new HashSet<Node>();
        foreach (Value v in ReadValues(node))
        {
            if (v.Producer is { } p && p.Graph == this && p != node && seen.Add(p))
            {
                yield return p;
            }
        }
    }

    /// <summary>Every value a node reads: its inputs and, recursively, what its subgraphs read.</summary>
    public static IEnumerable<Value> ReadValues(Node node)
    {
        foreach (Value? v in node.Inputs)
        {
            if (v is not null)
            {
                yield return v;
            }
        }

        foreach (Graph sub in node.Subgraphs)
        {
            foreach (Node inner in sub.Nodes)
            {
                foreach (Value v in ReadValues(inner))
                {
                    yield return v;
                }
            }

            foreach (Value o in sub.Outputs)
            {
                yield return o;
            }
        }
    }

    private void AdoptSubgraphs(Node node, NodeAttribute attribute)
    {
        if (attribute.G is not null)
        {
            attribute.G.ParentNode = node;
        }

        foreach (Graph g in attribute.Graphs)
        {
            g.ParentNode = node;
        }
    }

    private static void DetachSubgraphUses(Node node)
    {
        foreach (Graph sub in node.Subgraphs)
        {
            foreach (Graph g in sub.SelfAndSubgraphs())
            {
                foreach (Node inner in g.Nodes)
                {
                    for (int i = 0; i < inner._inputs.Count; i++)
                    {
                        Value? v = inner._inputs[i];
                        if (v is not null && v.Graph != g)
                        {
                            v._uses.Remove(new Use(inner, i));
                        }
                    }
                }
            }
        }
    }

    private void RequireOwn(Node node)
    {
        if (node.Graph != this || node.IsRemoved)
        {
            throw new InvalidOperationException($"{node.Describe()} is not a node of graph '{Name}'");
        }
    }
}

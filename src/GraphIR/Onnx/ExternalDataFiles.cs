// The files a model file's tensors keep their data in, for build tools that track a model's inputs.
namespace Onnxc.GraphIR.Onnx;

/// <summary>
/// Lists the external-data files of the model at a path: the distinct locations of its initializers (in the main
/// graph and in subgraphs) stored EXTERNAL, resolved as the importer resolves them. Locations that are unsafe or
/// missing are left out; loading the model reports them.
/// </summary>
public static class ExternalDataFiles
{
    public static IReadOnlyList<string> Of(string modelPath)
    {
        ModelProto proto;
        using (FileStream stream = File.OpenRead(modelPath))
        {
            proto = ModelProto.Parser.ParseFrom(stream);
        }

        string folder = Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        var files = new SortedSet<string>(StringComparer.Ordinal);
        if (proto.Graph is { } graph)
        {
            Collect(graph, folder, files);
        }

        return [.. files];
    }

    private static void Collect(GraphProto graph, string folder, SortedSet<string> files)
    {
        foreach (TensorProto t in graph.Initializer)
        {
            if (t.DataLocation == TensorProto.Types.DataLocation.External
                && t.ExternalData.FirstOrDefault(e => e.Key == "location")?.Value is { Length: > 0 } location)
            {
                try
                {
                    files.Add(ExternalDataPaths.Resolve(folder, location, t.Name));
                }
                catch (InvalidModelException)
                {
                    // Loading the model names the problem; a dependency list only needs the files that exist.
                }
            }
        }

        foreach (NodeProto node in graph.Node)
        {
            foreach (AttributeProto a in node.Attribute)
            {
                if (a.G is { } sub)
                {
                    Collect(sub, folder, files);
                }

                foreach (GraphProto g in a.Graphs)
                {
                    Collect(g, folder, files);
                }
            }
        }
    }
}

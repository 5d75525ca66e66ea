// Turns a forward model into a training-step model: loss, gradients and optimizer update in standard ONNX ops.
using Onnxc.GraphIR.Analysis;
using Onnxc.GraphIR.Onnx;
using Onnxc.GraphIR.Verification;
using Onnxc.Passes.Opset;
using Onnxc.Passes.Pipelines;
using Onnxc.Passes.Training.Autodiff;
using Onnxc.Passes.Training.Losses;
using Onnxc.Passes.Training.Optimizers;

namespace Onnxc.Passes.Training;

/// <summary>
/// Builds a <see cref="TrainingGraph"/> from a forward model, never changing the model itself:
/// <list type="number">
/// <item>a copy is raised to opset 16 when it is older (the gradient rules emit opset-13 forms and MaxPool's needs
/// ScatterElements with reduction=add; the trained model that comes out keeps the input's opset, since only its
/// weights change);</item>
/// <item>the logits are the chosen output, or the input of the Softmax that produces it;</item>
/// <item>BatchNormalization nodes switch to batch statistics, their running mean and variance becoming buffers
/// (see <see cref="BatchNormTraining"/>), unless <see cref="TrainingSetup.FreezeBatchNormStatistics"/> keeps them
/// in inference form with fixed statistics; Dropout nodes multiply by a mask the trainer feeds
/// (see <see cref="DropoutTraining"/>);</item>
/// <item>trainable initializers (<see cref="TrainableSelection"/>) become graph inputs of the same name, and
/// the remaining constant subgraphs are folded;</item>
/// <item>the loss (<see cref="LossGraph"/>), its gradients (<see cref="Differentiator"/>) and one optimizer step
/// per weight (<see cref="OptimizerGraph"/>) are appended; each carried tensor's new value is an output named
/// <c>&lt;name&gt;.updated</c>.</item>
/// </list>
/// </summary>
public static class TrainingGraphBuilder
{
    public const string UpdatedSuffix = ".updated";

    /// <summary>The opset training graphs are built at, at least: ScatterElements with reduction=add (MaxPool's gradient) is 16.</summary>
    public const long MinimumOpset = 16;

    public static TrainingGraph Build(Model forward, TrainingSetup setup)
    {
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(setup);
        Model train = Clone(forward);
        if ((train.OpsetVersion("") ?? MinimumOpset) < MinimumOpset)
        {
            try
            {
                OpsetUpgrader.Upgrade(train, MinimumOpset);
            }
            catch (InvalidModelException e)
            {
                throw new TrainingException($"the training graph needs opset {MinimumOpset} and the model cannot be raised to it: {e.Detail}");
            }
        }

        ShapeInference.Run(train);
        Graph g = train.Graph;
        Value logits = ResolveLogits(g, setup.LogitsOutput);
        string logitsName = logits.Name;
        string[] dataInputs = [.. g.Inputs.Where(v => !v.IsInitializer).Select(v => v.Name)];
        if (dataInputs.Length == 0)
        {
            throw new TrainingException("the model has no data input to train on");
        }

        IReadOnlyList<Value> trainables = TrainableSelection.Select(g, setup.Freeze);
        string[] trainableNames = [.. trainables.Select(t => t.Name)];
        var keepZeros = new HashSet<string>(setup.KeepZeros, StringComparer.Ordinal);
        if (keepZeros.FirstOrDefault(n => !trainableNames.Contains(n)) is { } notTrained)
        {
            throw new TrainingException($"the zeros of '{notTrained}' are to be kept, but it is not a trained weight of the model");
        }

        var carried = new List<CarriedTensor>();
        var parameters = new List<(Value Input, TensorData Initial)>();
        foreach (Value w in trainables)
        {
            TensorData initial = w.Initializer!;
            parameters.Add((Promote(g, w), initial));
        }

        FoldConstants(train);
        IReadOnlyList<DropoutTraining.Mask> masks = DropoutTraining.Rewrite(g);
        IReadOnlyList<BatchNormTraining.RunningStatistic> stats = setup.FreezeBatchNormStatistics ? [] : BatchNormTraining.Rewrite(g);
        Value loss = LossGraph.Emit(g, g.FindValue(logitsName)!, setup.Loss);
        IReadOnlyDictionary<Value, Value?> grads = Differentiator.Differentiate(g, loss, [.. parameters.Select(p => p.Input)]);

        var optimizer = new OptimizerGraph(g, setup.Optimizer);
        var outputs = new List<Value> { loss, g.FindValue(logitsName)! };
        var unreached = new List<string>();
        foreach ((Value w, TensorData initial) in parameters)
        {
            string name = w.Name;
            if (grads[w] is not { } grad)
            {
                // The loss does not read this weight (a dead branch): it is carried unchanged.
                unreached.Add(name);
                outputs.Add(Named(g, w, name + UpdatedSuffix));
                carried.Add(new CarriedTensor(name, name + UpdatedSuffix, CarriedKind.Parameter, initial));
                continue;
            }

            Value? mask = keepZeros.Contains(name) ? g.AddConstant(name + ".mask", NonZeroMask(initial)) : null;
            if (mask is not null)
            {
                grad = g.AddNode("Mul", [grad, mask]).Outputs[0]!;
            }

            var stateInputs = optimizer.StateNames.Select(s => g.AddInput($"{name}.{s}", w.Type)).ToList();
            (Value newWeight, IReadOnlyList<Value> newStates) = optimizer.EmitUpdate(w, grad, stateInputs);
            if (mask is not null)
            {
                // Weight decay moves a zero by nothing, but an optimizer state carried from before could: mask the result too.
                newWeight = g.AddNode("Mul", [newWeight, mask]).Outputs[0]!;
            }

            outputs.Add(Named(g, newWeight, name + UpdatedSuffix));
            carried.Add(new CarriedTensor(name, name + UpdatedSuffix, CarriedKind.Parameter, initial));
            for (int s = 0; s < stateInputs.Count; s++)
            {
                string stateName = stateInputs[s].Name;
                outputs.Add(Named(g, newStates[s], stateName + UpdatedSuffix));
                carried.Add(new CarriedTensor(stateName, stateName + UpdatedSuffix, CarriedKind.OptimizerState, Zeros(initial)));
            }
        }

        foreach (BatchNormTraining.RunningStatistic stat in stats)
        {
            outputs.Add(Named(g, stat.Updated, stat.Input.Name + UpdatedSuffix));
            carried.Add(new CarriedTensor(stat.Input.Name, stat.Input.Name + UpdatedSuffix, CarriedKind.Buffer, stat.Initial));
        }

        while (g.Outputs.Count > 0)
        {
            g.RemoveOutputAt(0);
        }

        foreach (Value o in outputs)
        {
            g.AddOutput(o);
        }

        RemoveDeadNodes(g);
        ShapeInference.Run(train);
        Verifier.Verify(train);

        string[] featureInputs = [.. Enumerable.Range(0, setup.Loss.Features.Count).Select(i => LossGraph.TeacherFeaturePrefix + i)];
        Model evaluation = BuildEvaluation(forward, setup.LogitsOutput, [.. trainableNames, .. stats.Select(s => s.Input.Name)]);
        return new TrainingGraph(train, evaluation, dataInputs, logitsName, carried, optimizer.ScalarInputs, featureInputs,
            setup.Loss.Distillation is not null, masks, unreached);
    }

    /// <summary>
    /// Folds constant subgraphs (exported shape arithmetic such as a Pad's computed pads), so rules see constants
    /// where they need them. The trainable tensors are graph inputs by now, so nothing folds into them, and no
    /// initializers are merged (two equal biases must stay two weights).
    /// </summary>
    private static void FoldConstants(Model model)
    {
        var pm = new PassManager();
        pm.AddFixedPoint(
            PassRegistry.Get("fold-constants"),
            PassRegistry.Get("fold-shape-arithmetic"),
            PassRegistry.Get("eliminate-dead-code"));
        pm.Run(model, new PassContext());
    }

    /// <summary>A deep copy through the ONNX form (what the model would be if saved and loaded).</summary>
    public static Model Clone(Model model) => OnnxImporter.FromProto(OnnxExporter.ToProto(model));

    /// <summary>The logits: the named (or first) output, or the input of the Softmax/LogSoftmax that makes it.</summary>
    public static Value ResolveLogits(Graph graph, string? outputName)
    {
        Value output = outputName is null
            ? (graph.Outputs.Count > 0 ? graph.Outputs[0] : null) ?? throw new TrainingException("the model has no outputs")
            : graph.Outputs.FirstOrDefault(o => o.Name == outputName)
                ?? throw new TrainingException($"the model has no output '{outputName}' (it has {string.Join(", ", graph.Outputs.Select(o => o.Name))})");
        if (output.Producer is { OpType: "Softmax" or "LogSoftmax" } softmax && softmax.Inputs[0] is { } pre)
        {
            return pre;
        }

        return output;
    }

    /// <summary>The forward model with <paramref name="asInputs"/> as graph inputs and the logits as its only output.</summary>
    private static Model BuildEvaluation(Model forward, string? logitsOutput, IReadOnlyList<string> asInputs)
    {
        Model eval = Clone(forward);
        Graph g = eval.Graph;
        foreach (string name in asInputs)
        {
            Promote(g, g.FindValue(name)!);
        }

        Value logits = ResolveLogits(g, logitsOutput);
        while (g.Outputs.Count > 0)
        {
            g.RemoveOutputAt(0);
        }

        g.AddOutput(logits);
        RemoveDeadNodes(g);
        ShapeInference.Run(eval);
        Verifier.Verify(eval);
        return eval;
    }

    /// <summary>Replaces initializer <paramref name="init"/> by a graph input of the same name and type.</summary>
    internal static Value Promote(Graph graph, Value init)
    {
        string name = init.Name;
        Value input = graph.AddInput(graph.Model.FreshName(name + "_input"), init.Type);
        graph.ReplaceAllUsesWith(init, input);
        graph.RemoveInitializer(init);
        graph.Rename(input, name);
        return input;
    }

    private static Value Named(Graph graph, Value value, string name) =>
        graph.AddNode("Identity", [value], [name], name: graph.Model.FreshName("carry")).Outputs[0]!;

    /// <summary>1 where <paramref name="weight"/> is nonzero, 0 where it is zero; float, of its shape.</summary>
    private static TensorData NonZeroMask(TensorData weight)
    {
        float[] w = weight.ToFloats();
        float[] mask = new float[w.Length];
        for (int i = 0; i < w.Length; i++)
        {
            mask[i] = w[i] != 0 ? 1 : 0;
        }

        return TensorData.FromFloats(weight.Dims.AsSpan(), mask);
    }

    private static TensorData Zeros(TensorData like) =>
        TensorData.FromBytes(like.ElementType, like.Dims.AsSpan(), new byte[like.ElementType.ByteCount(TensorData.CountElements(like.Dims.AsSpan()))]);

    /// <summary>Removes nodes no graph output depends on (the forward outputs the training step does not read).</summary>
    private static void RemoveDeadNodes(Graph graph)
    {
        var live = new HashSet<Node>();
        var stack = new Stack<Value>(graph.Outputs);
        while (stack.Count > 0)
        {
            if (stack.Pop().Producer is { } p && live.Add(p))
            {
                foreach (Value i in Graph.ReadValues(p))
                {
                    stack.Push(i);
                }
            }
        }

        foreach (Node n in graph.Nodes.Reverse().ToList())
        {
            if (!live.Contains(n))
            {
                graph.RemoveNode(n);
            }
        }

        foreach (Value init in graph.Initializers.Where(v => v.Uses.Count == 0 && !v.IsGraphOutput && !v.IsGraphInput).ToList())
        {
            graph.RemoveInitializer(init);
        }
    }
}

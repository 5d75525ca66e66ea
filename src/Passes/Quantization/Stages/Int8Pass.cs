// The base of the passes only -O int8 runs: listed by --list-passes under "-O int8".
namespace Onnxc.Passes.Quantization.Stages;

/// <summary>A pass of <see cref="Int8Pipelines"/>: it runs after -O 2, in the INT8 pipelines only.</summary>
public abstract class Int8Pass : Pass
{
    public override OptLevel Level => OptLevel.O2;

    public override string Pipeline => Int8Pipelines.Int8;
}

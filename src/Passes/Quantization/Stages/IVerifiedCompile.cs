// What verify-int8 needs from the compile it checks, static or dynamic: the float reference, the samples and the options.
using Onnxc.Evaluation.Data;

namespace Onnxc.Passes.Quantization.Stages;

/// <summary>
/// The part of an INT8 compile's session that <see cref="SelfVerification"/> reads and writes. <see cref="Int8Session"/>
/// and <see cref="DynamicInt8Session"/> implement it and are put in the <see cref="PassContext"/> under this type too.
/// </summary>
public interface IVerifiedCompile
{
    QuantizationOptions Options { get; }

    /// <summary>The samples the INT8 model is run on against <see cref="Float"/>; null: nothing to verify with.</summary>
    SampleSet? VerifyData { get; }

    /// <summary>The prepared float model as it was before quantization: what verification compares against.</summary>
    Model? Float { get; }

    VerificationResult? Verification { get; set; }

    Action<string> Log { get; }
}

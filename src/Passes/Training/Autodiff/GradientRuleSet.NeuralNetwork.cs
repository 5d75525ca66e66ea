// The neural-network half of the default gradient rules: convolution, pooling, normalization, padding, dropout.
using Onnxc.Passes.Training.Autodiff.Rules;

namespace Onnxc.Passes.Training.Autodiff;

public sealed partial class GradientRuleSet
{
    static partial void AddNeuralNetworkRules(List<IGradientRule> rules)
    {
        // Convolution: dX as ConvTranspose, dW as a Conv over the batch; ConvTranspose the other way round.
        rules.Add(new ConvRule());
        rules.Add(new ConvTransposeRule());

        // Pooling: max routes to the argmax, average spreads evenly.
        rules.Add(new MaxPoolRule());
        rules.Add(new AveragePoolRule());

        // Normalization: BatchNorm by its fixed statistics (batch statistics are rewritten before), LayerNorm.
        rules.Add(new BatchNormalizationRule());
        rules.Add(new LayerNormalizationRule());

        // Dropout: identity in inference form, the mask in training form.
        rules.Add(new DropoutRule());

        // Padding.
        rules.Add(new PadRule());

        // Quantization-aware training: QuantizeLinear → DequantizeLinear pairs as fake quantization.
        rules.Add(new FakeQuantizeRule());
    }
}

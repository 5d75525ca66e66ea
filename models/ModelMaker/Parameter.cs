// A trainable tensor with its gradient and the name it gets as an ONNX initializer.
namespace Onnxc.ModelMaker;

internal sealed class Parameter
{
    public Parameter(string name, params int[] shape)
    {
        Name = name;
        Shape = shape;
        int count = 1;
        foreach (int dim in shape)
        {
            count *= dim;
        }

        Value = new float[count];
        Grad = new float[count];
    }

    public string Name { get; }

    public int[] Shape { get; }

    public float[] Value { get; }

    public float[] Grad { get; }

    /// <summary>Kaiming-style uniform initialisation in [-bound, bound].</summary>
    public void InitUniform(DetRandom rng, double bound)
    {
        for (int i = 0; i < Value.Length; i++)
        {
            Value[i] = (float)rng.Uniform(-bound, bound);
        }
    }

    public void Fill(float value) => Array.Fill(Value, value);

    public void ZeroGrad() => Array.Clear(Grad);
}

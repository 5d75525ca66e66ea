// The exit codes of onnxc, in one place so the commands, the tests and the README agree.
namespace Onnxc.Driver;

public static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Ok = 0;

    /// <summary>The command line is wrong: unknown option, missing argument, unsupported -O level, bad -o.</summary>
    public const int Usage = 1;

    /// <summary>The input is invalid or unsupported, or a file could not be read or written.</summary>
    public const int InvalidInput = 2;

    /// <summary>A bug in onnxc: an exception nobody expected.</summary>
    public const int InternalError = 3;

    /// <summary>The compiled INT8 model disagrees grossly with the float model in ONNX Runtime; nothing was written.</summary>
    public const int VerificationFailed = 4;

    /// <summary>Interrupted (Ctrl-C) before the output was complete; nothing was written.</summary>
    public const int Interrupted = 130;
}

// Draws one grayscale image of a shape class at a random pose, stroke, brightness and noise level.
namespace Onnxc.ModelMaker;

/// <summary>
/// Each class is a signed distance function d(p) in the shape's own frame (negative inside, in pixels). A pixel at
/// p is covered by clamp(0.5 - d, 0, 1), a one-pixel anti-aliased edge. The image is
/// background + gradient + (foreground - background) * coverage + noise, rounded and clamped to 0..255.
/// The pose is p_local = R(-θ) (p - c): centre c, angle θ, and a radius r that bounds the shape.
/// Only +, -, *, / and sqrt (all correctly rounded in IEEE 754) are used, so the pixels are the same everywhere.
/// </summary>
internal static class ShapeRenderer
{
    public const int ClassCount = 10;

    /// <summary>The side of every image, in pixels.</summary>
    public const int ImageSize = 28;

    // cos/sin of multiples of 36° and 30°, written out because Math.Cos/Math.Sin may differ in the last bit
    // between platforms.
    private const double Cos36 = 0.80901699437494742;
    private const double Sin36 = 0.58778525229247313;
    private const double Cos72 = 0.30901699437494742;
    private const double Sin72 = 0.95105651629515357;
    private const double Cos30 = 0.86602540378443865;

    /// <summary>Unit-circumradius star: 5 outer points at 90° + k·72°, inner points at radius 0.45 between them.</summary>
    private static readonly (double X, double Y)[] s_star = MakeStar(0.45);

    /// <summary>Unit-circumradius equilateral triangle pointing up.</summary>
    private static readonly (double X, double Y)[] s_triangle = [(0, 1), (-Cos30, -0.5), (Cos30, -0.5)];

    /// <summary>Renders class <paramref name="kind"/> into <paramref name="image"/> (size × size, row-major).</summary>
    public static void Render(ShapeKind kind, DetRandom rng, int size, Span<byte> image)
    {
        if (image.Length != size * size)
        {
            throw new ArgumentException($"image has {image.Length} pixels, expected {size * size}", nameof(image));
        }

        // Pose: radius between 21% and 43% of the image side, centre placed so the shape stays inside.
        double radius = rng.Uniform(0.21 * size, 0.43 * size);
        double margin = radius + 1.0;
        double cx = rng.Uniform(margin, size - margin);
        double cy = rng.Uniform(margin, size - margin);
        (double cos, double sin) = rng.NextDirection();
        double stroke = rng.Uniform(1.5, 3.0);

        // Photometry: dark background with a gentle linear gradient, a brighter foreground, additive noise.
        double background = rng.Uniform(0, 70);
        double foreground = rng.Uniform(background + 90, 255);
        double gradX = rng.Uniform(-1, 1) * 20 / size;
        double gradY = rng.Uniform(-1, 1) * 20 / size;
        double noise = rng.Uniform(2, 14);

        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                // Pixel centres sit at integer + 0.5.
                double dx = x + 0.5 - cx;
                double dy = y + 0.5 - cy;
                double u = (cos * dx) + (sin * dy);
                double v = (-sin * dx) + (cos * dy);
                double d = Distance(kind, u, v, radius, stroke);
                double coverage = Math.Clamp(0.5 - d, 0.0, 1.0);
                double value = background + (gradX * (x - (size / 2.0))) + (gradY * (y - (size / 2.0)))
                    + ((foreground - background) * coverage) + (noise * rng.NextGaussian());
                image[(y * size) + x] = (byte)Math.Clamp(Math.Floor(value + 0.5), 0.0, 255.0);
            }
        }
    }

    /// <summary>Signed distance (pixels, negative inside) from the local point (u, v) to the shape.</summary>
    private static double Distance(ShapeKind kind, double u, double v, double r, double stroke)
    {
        double half = stroke / 2;
        double len = Math.Sqrt((u * u) + (v * v));
        switch (kind)
        {
            case ShapeKind.Disk:
                return len - r;
            case ShapeKind.Ring:
                return Math.Abs(len - (0.8 * r)) - half;
            case ShapeKind.SquareOutline:
                return Math.Abs(Box(u, v, 0.7 * r, 0.7 * r)) - half;
            case ShapeKind.Triangle:
                return Polygon(s_triangle, u / r, v / r) * r;
            case ShapeKind.Plus:
                return Math.Min(Box(u, v, r, half), Box(u, v, half, r));
            case ShapeKind.Line:
                return Segment(u, v, -r, 0, r, 0) - half;
            case ShapeKind.ParallelLines:
            {
                // Keep at least 1.5 px of background between the two strokes.
                double offset = Math.Max(0.4 * r, stroke + 1.5) / 2 + half;
                return Math.Min(Segment(u, v, -r, -offset, r, -offset), Segment(u, v, -r, offset, r, offset)) - half;
            }
            case ShapeKind.Star:
                return Polygon(s_star, u / r, v / r) * r;
            case ShapeKind.Bullseye:
            {
                double dot = len - Math.Max(0.3 * r, 1.5);
                double ring = Math.Abs(len - (0.85 * r)) - half;
                return Math.Min(dot, ring);
            }
            case ShapeKind.TwoDots:
            {
                double dotRadius = Math.Max(0.3 * r, 1.5);
                double left = Math.Sqrt(((u + (0.65 * r)) * (u + (0.65 * r))) + (v * v)) - dotRadius;
                double right = Math.Sqrt(((u - (0.65 * r)) * (u - (0.65 * r))) + (v * v)) - dotRadius;
                return Math.Min(left, right);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown shape class");
        }
    }

    /// <summary>Signed distance to the axis-aligned box |u| ≤ hu, |v| ≤ hv.</summary>
    private static double Box(double u, double v, double hu, double hv)
    {
        double qx = Math.Abs(u) - hu;
        double qy = Math.Abs(v) - hv;
        double ox = Math.Max(qx, 0);
        double oy = Math.Max(qy, 0);
        return Math.Sqrt((ox * ox) + (oy * oy)) + Math.Min(Math.Max(qx, qy), 0);
    }

    /// <summary>Unsigned distance from (u, v) to the segment a-b.</summary>
    private static double Segment(double u, double v, double ax, double ay, double bx, double by)
    {
        double ex = bx - ax;
        double ey = by - ay;
        double t = Math.Clamp((((u - ax) * ex) + ((v - ay) * ey)) / ((ex * ex) + (ey * ey)), 0.0, 1.0);
        double px = u - (ax + (t * ex));
        double py = v - (ay + (t * ey));
        return Math.Sqrt((px * px) + (py * py));
    }

    /// <summary>Signed distance to a simple polygon: nearest edge distance, negative when inside (even-odd rule).</summary>
    private static double Polygon((double X, double Y)[] vertices, double u, double v)
    {
        double best = double.MaxValue;
        bool inside = false;
        for (int i = 0, j = vertices.Length - 1; i < vertices.Length; j = i++)
        {
            (double xi, double yi) = vertices[i];
            (double xj, double yj) = vertices[j];
            best = Math.Min(best, Segment(u, v, xj, yj, xi, yi));
            if ((yi > v) != (yj > v) && u < ((xj - xi) * (v - yi) / (yj - yi)) + xi)
            {
                inside = !inside;
            }
        }

        return inside ? -best : best;
    }

    private static (double X, double Y)[] MakeStar(double inner)
    {
        // Directions of 90° + k·36° for k = 0..9, from the exact-enough constants above.
        (double C, double S)[] directions =
        [
            (0, 1), (-Sin36, Cos36), (-Sin72, Cos72), (-Sin72, -Cos72), (-Sin36, -Cos36),
            (0, -1), (Sin36, -Cos36), (Sin72, -Cos72), (Sin72, Cos72), (Sin36, Cos36),
        ];
        var points = new (double X, double Y)[directions.Length];
        for (int k = 0; k < directions.Length; k++)
        {
            double radius = k % 2 == 0 ? 1.0 : inner;
            points[k] = (directions[k].C * radius, directions[k].S * radius);
        }

        return points;
    }
}

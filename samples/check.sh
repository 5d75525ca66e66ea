#!/usr/bin/env bash
# The MSBuild integration end to end, as a user meets it: pack Onnxc.Build into a local feed, build the sample app
# (its first build compiles the shipped model to INT8), build again (nothing is compiled), change one option
# (the model is compiled again), touch its calibration file (again), run the app (the compiled model in ONNX Runtime, with its accuracy), publish it, refuse a bad
# OnnxModel with one MSBuild error and no output, and clean. Prints "sample: ok" at the end, exits non-zero on
# the first check that fails. Usage: samples/check.sh   (from anywhere; about 2 minutes)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)
app="$repo/samples/ShapesApp"
logs=$(mktemp -d)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_CLI_UI_LANGUAGE=en MSBUILDDISABLENODEREUSE=1

fail() { echo "sample: FAILED: $*" >&2; exit 1; }
build() { # build LOGNAME [msbuild args...]: the sample, in-process node reuse off, normal verbosity
  local name=$1; shift
  dotnet build "$app/ShapesApp.csproj" -nodeReuse:false -v:n "$@" </dev/null >"$logs/$name.log" 2>&1
}
compiled() { grep -c 'onnxc: .*shapes-cnn.onnx -> .*shapes-cnn.int8.onnx' "$logs/$1.log" || true; }
compiled_o2() { grep -c 'onnxc: .*shapes-cnn.onnx -> .*shapes-cnn.o2.onnx' "$logs/$1.log" || true; }

echo "== pack Onnxc.Build into artifacts/feed"
rm -rf "$repo/artifacts/feed"
dotnet pack "$repo/src/Driver/Build/Build.csproj" -c Release -o "$repo/artifacts/feed" </dev/null >"$logs/pack.log" 2>&1 || { cat "$logs/pack.log"; fail "pack"; }
# The same version may sit in the package cache from an earlier pack: take this one.
rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}/onnxc.build"
rm -rf "$app/bin" "$app/obj"
out="$app/bin/Debug/net10.0"

echo "== first build: compiles each model"
build first || { tail -30 "$logs/first.log"; fail "first build"; }
[[ $(compiled first) -eq 1 && $(compiled_o2 first) -eq 1 ]] || fail "the first build did not compile each model once ($(compiled first) and $(compiled_o2 first) times)"
[[ -s "$out/shapes-cnn.o2.onnx" ]] || fail "no -O 2 model in $out"
[[ -s "$out/shapes-cnn.int8.onnx" ]] || fail "no compiled model in $out"
grep 'onnxc: .*shapes-cnn.onnx -> ' "$logs/first.log" | sed 's/^ *//' | sort -u

echo "== second build, nothing changed: compiles nothing"
build second || { tail -30 "$logs/second.log"; fail "second build"; }
[[ $(compiled second) -eq 0 && $(compiled_o2 second) -eq 0 ]] || fail "the second build compiled a model again"
grep -q 'Skipping target "OnnxcCompileModels" because all output files are up-to-date' "$logs/second.log" || fail "no up-to-date skip of OnnxcCompileModels in the log"
grep -m1 'Skipping target "OnnxcCompileModels"' "$logs/second.log" | sed 's/^ *//'

echo "== a changed option of the INT8 item (CalibrationSamples 128): compiles that model again, not the other"
build changed -p:ShapesCalibrationSamples=128 || { tail -30 "$logs/changed.log"; fail "build with a changed option"; }
[[ $(compiled changed) -eq 1 ]] || fail "a changed option did not recompile the model"
[[ $(compiled_o2 changed) -eq 0 ]] || fail "a changed option of one item recompiled the other"
grep -q 'on 128 samples' "$logs/changed.log" || fail "the recompiled model was not calibrated on 128 samples"

echo "== a touched calibration file: compiles the INT8 model again, not the other"
touch "$repo/models/shapes-calib/images.npy"
build touched -p:ShapesCalibrationSamples=128 || { tail -30 "$logs/touched.log"; fail "build after touching the calibration file"; }
[[ $(compiled touched) -eq 1 ]] || fail "a newer calibration file did not recompile the model"
[[ $(compiled_o2 touched) -eq 0 ]] || fail "a newer calibration file recompiled the -O 2 model, which does not read it"

echo "== run: the compiled model in ONNX Runtime"
line=$(dotnet "$out/ShapesApp.dll" </dev/null) || fail "the app failed"
echo "$line"
top1=$(sed -n 's/.*top-1 \([0-9.]*\)%.*/\1/p' <<<"$line")
awk -v t="$top1" 'BEGIN { exit !(t >= 98.15) }' || fail "top-1 $top1% is more than 1 point under the float model's 99.15%"

echo "== publish: the compiled model is in the publish folder"
dotnet publish "$app/ShapesApp.csproj" -nodeReuse:false -o "$logs/publish" </dev/null >"$logs/publish.log" 2>&1 || { tail -30 "$logs/publish.log"; fail "publish"; }
[[ -s "$logs/publish/shapes-cnn.int8.onnx" ]] || fail "the published app has no shapes-cnn.int8.onnx"

echo "== a bad OnnxModel (missing file, bad option, failed verification): one MSBuild error naming the item, no output"
# percentile:50.1 clips every range at about its median: the INT8 model fails self-verification (cosine ~0.17).
for bad in "missing|-p:ShapesModel=$app/no-such-model.onnx|ONNXC002" "option|-p:ShapesCalibrationSamples=-3|ONNXC001" \
           "verification|-p:ShapesCalibrate=percentile:50.1|ONNXC004"; do
  IFS='|' read -r name arg code <<<"$bad"
  rm -rf "$app/obj/Debug/net10.0/onnxc"
  if build "bad-$name" "$arg"; then fail "a bad OnnxModel ($name) built"; fi
  errors=$(grep -E "error $code" "$logs/bad-$name.log" | sed -E 's/^ *([0-9:]+>)?//' | sort -u)
  [[ $(wc -l <<<"$errors") -eq 1 && -n "$errors" ]] || { cat "$logs/bad-$name.log" | tail -20; fail "expected one $code error for the $name case"; }
  echo "$errors"
  if compgen -G "$app/obj/Debug/net10.0/onnxc/shapes-cnn.int8.onnx*" | grep -v '\.options$' >/dev/null; then fail "a failed compile left an output"; fi
done

echo "== dotnet clean removes the compiled model"
build rebuilt || fail "rebuild"
dotnet clean "$app/ShapesApp.csproj" -nodeReuse:false </dev/null >"$logs/clean.log" 2>&1 || fail "clean"
[[ ! -e "$out/shapes-cnn.int8.onnx" && ! -e "$out/shapes-cnn.o2.onnx" && ! -e "$app/obj/Debug/net10.0/onnxc/shapes-cnn.int8.onnx" ]] || fail "dotnet clean left a compiled model"

rm -rf "$logs"
echo "sample: ok"

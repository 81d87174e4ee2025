# Writes a C++ file holding font files as byte arrays (run by wasm/CMakeLists.txt):
#   cmake -DOUTPUT=fonts.cpp -DREGULAR=mono.ttf -DBOLD=mono-bold.ttf -P embed.cmake
# The canvas hands them to ImGui's font atlas without a file system.
function(bytes_of file out_var)
  file(READ "${file}" hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," hex "${hex}")
  set(${out_var} "${hex}" PARENT_SCOPE)
endfunction()
bytes_of("${REGULAR}" regular)
bytes_of("${BOLD}" bold)
file(WRITE "${OUTPUT}" "// Generated from DejaVu Sans Mono (subset) by wasm/app/fonts/embed.cmake.\n"
  "#include \"fonts.hpp\"\n"
  "namespace bytewise::app {\n"
  "namespace {\n"
  "const unsigned char regular_bytes[] = {${regular}};\n"
  "const unsigned char bold_bytes[] = {${bold}};\n"
  "}  // namespace\n"
  "const font_file mono_regular{regular_bytes, sizeof regular_bytes};\n"
  "const font_file mono_bold{bold_bytes, sizeof bold_bytes};\n"
  "}  // namespace bytewise::app\n")

#include "money/png.h"

#include <zlib.h>

#include <cstdint>
#include <vector>

namespace ct::money {
namespace {

constexpr int kMaxSide = 4096;

void PutBigEndian32(std::string& out, uint32_t v) {
  out += static_cast<char>(v >> 24);
  out += static_cast<char>(v >> 16);
  out += static_cast<char>(v >> 8);
  out += static_cast<char>(v);
}

// length, type, data, CRC-32 of type and data.
void Chunk(std::string& out, const char (&type)[5], const std::string& data) {
  PutBigEndian32(out, static_cast<uint32_t>(data.size()));
  const std::string typed = std::string(type, 4) + data;
  out += typed;
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, reinterpret_cast<const Bytef*>(typed.data()),
              static_cast<uInt>(typed.size()));
  PutBigEndian32(out, static_cast<uint32_t>(crc));
}

// Scanlines: filter type 0 (none), then the row's bits, most significant
// first; 1 is white in grayscale.
std::string Scanlines(int width, int height,
                      const std::function<bool(int, int)>& black) {
  const size_t row_bytes = (static_cast<size_t>(width) + 7) / 8;
  std::string raw;
  raw.reserve((row_bytes + 1) * static_cast<size_t>(height));
  for (int y = 0; y < height; ++y) {
    raw += '\0';
    std::vector<unsigned char> row(row_bytes, 0xFF);
    for (int x = 0; x < width; ++x)
      if (black(x, y))
        row[x / 8] &= static_cast<unsigned char>(~(0x80 >> (x % 8)));
    raw.append(row.begin(), row.end());
  }
  return raw;
}

}  // namespace

Result<std::string> MonochromePng(int width, int height,
                                  const std::function<bool(int, int)>& black) {
  if (width < 1 || height < 1 || width > kMaxSide || height > kMaxSide)
    return Fail(ErrorKind::kInvalidInput, "PNG: image size out of range");
  const std::string raw = Scanlines(width, height, black);
  uLongf packed_size = compressBound(static_cast<uLong>(raw.size()));
  std::string packed(packed_size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size,
                reinterpret_cast<const Bytef*>(raw.data()),
                static_cast<uLong>(raw.size()), Z_BEST_COMPRESSION) != Z_OK)
    return Fail(ErrorKind::kInternal, "PNG: zlib compression failed");
  packed.resize(packed_size);
  std::string header;  // IHDR: size, bit depth 1, grayscale, defaults
  PutBigEndian32(header, static_cast<uint32_t>(width));
  PutBigEndian32(header, static_cast<uint32_t>(height));
  header += std::string("\x01\x00\x00\x00\x00", 5);
  std::string png("\x89PNG\r\n\x1A\n", 8);
  Chunk(png, "IHDR", header);
  Chunk(png, "IDAT", packed);
  Chunk(png, "IEND", "");
  return png;
}

}  // namespace ct::money

#include "server/store/hyperloglog.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

namespace tandem::store::hll {
namespace {

constexpr uint64_t kHashSeed = 0xadc83b19;
constexpr int kQ = 64 - kPrecision;  // hash bits left after the register index
constexpr uint8_t kRegisterMax = (1 << kRegisterBits) - 1;
constexpr size_t kEncodingOffset = 4;
constexpr size_t kCacheOffset = 8;
constexpr int kZeroMaxRun = 64;
constexpr int kXZeroMaxRun = 16384;
constexpr int kValMaxRun = 4;

// ---- Dense registers ----------------------------------------------------------------------------

// Register i occupies bits [6i, 6i+6) of the body, least significant bit first, so it spans two
// bytes when it starts above bit 2 of its first byte.
uint8_t GetDense(const uint8_t* body, int index) {
  size_t byte = static_cast<size_t>(index) * kRegisterBits / 8;
  unsigned shift = (static_cast<unsigned>(index) * kRegisterBits) & 7;
  unsigned v = body[byte] >> shift;
  if (shift > 8 - kRegisterBits) v |= static_cast<unsigned>(body[byte + 1]) << (8 - shift);
  return static_cast<uint8_t>(v & kRegisterMax);
}

void PutDense(uint8_t* body, int index, uint8_t value) {
  size_t byte = static_cast<size_t>(index) * kRegisterBits / 8;
  unsigned shift = (static_cast<unsigned>(index) * kRegisterBits) & 7;
  body[byte] = static_cast<uint8_t>((body[byte] & ~(kRegisterMax << shift)) | (value << shift));
  if (shift > 8 - kRegisterBits) {
    unsigned high = 8 - shift;  // bits of the register that fit in the first byte
    body[byte + 1] =
        static_cast<uint8_t>((body[byte + 1] & ~(kRegisterMax >> high)) | (value >> high));
  }
}

uint8_t* DenseBody(std::string* hll) {
  return reinterpret_cast<uint8_t*>(hll->data()) + kHeaderSize;
}
const uint8_t* DenseBody(std::string_view hll) {
  return reinterpret_cast<const uint8_t*>(hll.data()) + kHeaderSize;
}

// Raises a dense register; true when it grew.
bool RaiseDense(uint8_t* body, int index, uint8_t count) {
  if (GetDense(body, index) >= count) return false;
  PutDense(body, index, count);
  return true;
}

// ---- Sparse opcodes -----------------------------------------------------------------------------

// A byte of the value, or 0 past its end: Redis's strings carry a terminating zero byte, and a
// value truncated inside an XZERO reads it.
uint8_t ByteAt(std::string_view s, size_t i) {
  return i < s.size() ? static_cast<uint8_t>(s[i]) : 0;
}

struct Opcode {
  enum Kind { kZero, kXZero, kVal } kind;
  int run;    // registers covered
  int value;  // register value (0 for the zero runs)
  size_t size;
};

Opcode DecodeOpcode(std::string_view s, size_t pos) {
  uint8_t b = ByteAt(s, pos);
  if (b & 0x80) return {Opcode::kVal, (b & 0x3) + 1, ((b >> 2) & 0x1f) + 1, 1};
  if (b & 0x40) return {Opcode::kXZero, (((b & 0x3f) << 8) | ByteAt(s, pos + 1)) + 1, 0, 2};
  return {Opcode::kZero, (b & 0x3f) + 1, 0, 1};
}

uint8_t ValOpcode(int value, int run) {
  return static_cast<uint8_t>(0x80 | ((value - 1) << 2) | (run - 1));
}

// Appends the opcode for `run` zero registers: ZERO up to 64, else XZERO.
size_t PutZeros(uint8_t* out, int run) {
  if (run > kZeroMaxRun) {
    out[0] = static_cast<uint8_t>(0x40 | ((run - 1) >> 8));
    out[1] = static_cast<uint8_t>((run - 1) & 0xff);
    return 2;
  }
  out[0] = static_cast<uint8_t>(run - 1);
  return 1;
}

// Redis's clean-up after an in-place update: scanning at most five opcodes from `pos`, two
// adjacent VALs of the same value whose runs fit one VAL become one (the scan then retries the same
// position, so a run can absorb its next neighbour too).
void MergeAdjacentVals(std::string* s, size_t pos) {
  for (int scans = 5; pos < s->size() && scans > 0; --scans) {
    uint8_t b = static_cast<uint8_t>((*s)[pos]);
    if (!(b & 0x80)) {
      pos += (b & 0x40) ? 2 : 1;
      continue;
    }
    if (pos + 1 < s->size() && ((*s)[pos + 1] & 0x80)) {
      Opcode left = DecodeOpcode(*s, pos), right = DecodeOpcode(*s, pos + 1);
      if (left.value == right.value && left.run + right.run <= kValMaxRun) {
        (*s)[pos + 1] = static_cast<char>(ValOpcode(left.value, left.run + right.run));
        s->erase(pos, 1);
        continue;
      }
    }
    ++pos;
  }
}

Update Promote(std::string* hll, int index, uint8_t count) {
  if (!ToDense(hll)) return Update::kCorrupt;
  // Promotion happens only for a register that must grow, so the dense update always changes it.
  RaiseDense(DenseBody(hll), index, count);
  InvalidateCache(hll->data());
  return Update::kChanged;
}

Update SetSparse(std::string* hll, int index, uint8_t count, size_t sparse_max_bytes) {
  if (count > kSparseMaxValue) return Promote(hll, index, count);
  std::string& s = *hll;

  // Find the opcode covering `index`, and the one before it (where the merge scan starts).
  size_t pos = kHeaderSize;
  size_t prev = kHeaderSize;
  int64_t first = 0;  // the first register `pos` covers
  Opcode op{};
  bool found = false;
  while (pos < s.size()) {
    op = DecodeOpcode(s, pos);
    if (index < first + op.run) {
      found = true;
      break;
    }
    prev = pos;
    pos += op.size;
    first += op.run;
  }
  if (!found || pos + op.size > s.size()) return Update::kCorrupt;
  if (op.kind == Opcode::kVal && op.value >= count) return Update::kUnchanged;

  if (op.run == 1 && op.kind != Opcode::kXZero) {
    s[pos] = static_cast<char>(ValOpcode(count, 1));  // a single register: rewrite the opcode
  } else {
    // Split the opcode around the register: at worst XZERO becomes XZERO VAL XZERO.
    uint8_t seq[5];
    size_t n = 0;
    int64_t last = first + op.run - 1;
    if (op.kind == Opcode::kVal) {
      if (index != first) seq[n++] = ValOpcode(op.value, static_cast<int>(index - first));
      seq[n++] = ValOpcode(count, 1);
      if (index != last) seq[n++] = ValOpcode(op.value, static_cast<int>(last - index));
    } else {
      if (index != first) n += PutZeros(seq + n, static_cast<int>(index - first));
      seq[n++] = ValOpcode(count, 1);
      if (index != last) n += PutZeros(seq + n, static_cast<int>(last - index));
    }
    if (n > op.size && s.size() + (n - op.size) > sparse_max_bytes) {
      return Promote(hll, index, count);
    }
    s.replace(pos, op.size, reinterpret_cast<const char*>(seq), n);
  }
  MergeAdjacentVals(&s, prev);
  InvalidateCache(s.data());
  return Update::kChanged;
}

// ---- Estimation ---------------------------------------------------------------------------------

// histogram[v] = how many registers hold v (6-bit registers: v < 64).
using Histogram = std::array<int, 64>;

void DenseHistogram(const uint8_t* body, Histogram* h) {
  // Four registers in every three bytes.
  for (int group = 0; group < kRegisters / 4; ++group, body += 3) {
    unsigned b0 = body[0], b1 = body[1], b2 = body[2];
    ++(*h)[b0 & kRegisterMax];
    ++(*h)[((b0 >> 6) | (b1 << 2)) & kRegisterMax];
    ++(*h)[((b1 >> 4) | (b2 << 4)) & kRegisterMax];
    ++(*h)[(b2 >> 2) & kRegisterMax];
  }
}

// False when the opcodes do not cover exactly kRegisters registers.
bool SparseHistogram(std::string_view hll, Histogram* h) {
  int64_t covered = 0;
  for (size_t pos = kHeaderSize; pos < hll.size();) {
    Opcode op = DecodeOpcode(hll, pos);
    (*h)[op.value] += op.run;
    covered += op.run;
    pos += op.size;
  }
  return covered == kRegisters;
}

// Ertl's sigma(x) = x + sum_{k>=1} x^(2^k) 2^(k-1), summed until the total stops changing.
double Sigma(double x) {
  if (x == 1.) return std::numeric_limits<double>::infinity();
  double sum = x;
  double weight = 1;
  double before;
  do {
    x *= x;
    before = sum;
    sum += x * weight;
    weight += weight;
  } while (sum != before);
  return sum;
}

// Ertl's tau(x) = (1 - x - sum_{k>=1} (1 - x^(2^-k))^2 2^-k) / 3, summed the same way.
double Tau(double x) {
  if (x == 0. || x == 1.) return 0.;
  double sum = 1 - x;
  double weight = 1.0;
  double before;
  do {
    x = std::sqrt(x);
    before = sum;
    weight *= 0.5;
    double gap = 1 - x;
    sum -= gap * gap * weight;
  } while (sum != before);
  return sum / 3;
}

uint64_t Estimate(const Histogram& h) {
  constexpr double kAlphaInf = 0.721347520444481703680;  // 1 / (2 ln 2)
  double m = kRegisters;
  double z = m * Tau((m - h[kQ + 1]) / m);
  for (int j = kQ; j >= 1; --j) {
    z += h[j];
    z *= 0.5;
  }
  z += m * Sigma(h[0] / m);
  return static_cast<uint64_t>(std::llround(kAlphaInf * m * m / z));
}

}  // namespace

// ---- Public API ---------------------------------------------------------------------------------

uint64_t MurmurHash64A(std::string_view data, uint64_t seed) {
  constexpr uint64_t kMul = 0xc6a4a7935bd1e995ULL;
  constexpr int kShift = 47;
  const auto* p = reinterpret_cast<const uint8_t*>(data.data());
  size_t len = data.size();
  uint64_t h = seed ^ (static_cast<uint64_t>(len) * kMul);
  size_t words = len / 8;
  for (size_t i = 0; i < words; ++i, p += 8) {
    uint64_t k = 0;
    for (int b = 7; b >= 0; --b) k = (k << 8) | p[b];
    k *= kMul;
    k ^= k >> kShift;
    k *= kMul;
    h ^= k;
    h *= kMul;
  }
  size_t tail = len & 7;
  if (tail != 0) {
    for (size_t b = tail; b-- > 0;) h ^= static_cast<uint64_t>(p[b]) << (8 * b);
    h *= kMul;
  }
  h ^= h >> kShift;
  h *= kMul;
  h ^= h >> kShift;
  return h;
}

Pattern PatternOf(std::string_view element) {
  uint64_t hash = MurmurHash64A(element, kHashSeed);
  int index = static_cast<int>(hash & (kRegisters - 1));
  // A sentinel bit above the kQ remaining bits bounds the count at kQ + 1.
  uint64_t rest = (hash >> kPrecision) | (uint64_t{1} << kQ);
  return {index, static_cast<uint8_t>(std::countr_zero(rest) + 1)};
}

std::string NewSparse() {
  std::string hll(kHeaderSize, '\0');
  std::memcpy(hll.data(), "HYLL", 4);
  hll[kEncodingOffset] = static_cast<char>(Encoding::kSparse);
  for (int left = kRegisters; left > 0; left -= kXZeroMaxRun) {
    uint8_t op[2];
    int run = left < kXZeroMaxRun ? left : kXZeroMaxRun;
    op[0] = static_cast<uint8_t>(0x40 | ((run - 1) >> 8));
    op[1] = static_cast<uint8_t>((run - 1) & 0xff);
    hll.append(reinterpret_cast<const char*>(op), 2);
  }
  return hll;
}

bool IsHll(std::string_view value) {
  if (value.size() < kHeaderSize || value.substr(0, 4) != "HYLL") return false;
  auto encoding = static_cast<uint8_t>(value[kEncodingOffset]);
  if (encoding > static_cast<uint8_t>(Encoding::kSparse)) return false;
  return encoding != static_cast<uint8_t>(Encoding::kDense) || value.size() == kDenseSize;
}

Encoding EncodingOf(std::string_view hll) {
  return static_cast<Encoding>(static_cast<uint8_t>(hll[kEncodingOffset]));
}

std::optional<uint64_t> CachedCardinality(std::string_view hll) {
  uint64_t card = 0;
  for (int i = 7; i >= 0; --i) card = (card << 8) | ByteAt(hll, kCacheOffset + i);
  if (card >> 63) return std::nullopt;
  return card;
}

void StoreCardinality(char* hll, uint64_t cardinality) {
  for (int i = 0; i < 8; ++i) hll[kCacheOffset + i] = static_cast<char>(cardinality >> (8 * i));
}

void InvalidateCache(char* hll) {
  hll[kCacheOffset + 7] = static_cast<char>(hll[kCacheOffset + 7] | 0x80);
}

Update SetRegister(std::string* hll, int index, uint8_t count, size_t sparse_max_bytes) {
  if (EncodingOf(*hll) == Encoding::kSparse) return SetSparse(hll, index, count, sparse_max_bytes);
  if (!RaiseDense(DenseBody(hll), index, count)) return Update::kUnchanged;
  InvalidateCache(hll->data());
  return Update::kChanged;
}

Update Add(std::string* hll, std::string_view element, size_t sparse_max_bytes) {
  Pattern p = PatternOf(element);
  return SetRegister(hll, p.index, p.count, sparse_max_bytes);
}

bool ToDense(std::string* hll) {
  if (EncodingOf(*hll) == Encoding::kDense) return true;
  std::string dense(kDenseSize, '\0');
  std::memcpy(dense.data(), hll->data(), kHeaderSize);
  dense[kEncodingOffset] = static_cast<char>(Encoding::kDense);
  uint8_t* body = DenseBody(&dense);
  int64_t index = 0;
  for (size_t pos = kHeaderSize; pos < hll->size();) {
    Opcode op = DecodeOpcode(*hll, pos);
    if (op.kind == Opcode::kVal) {
      if (index + op.run > kRegisters) break;
      for (int i = 0; i < op.run; ++i) {
        PutDense(body, static_cast<int>(index) + i, static_cast<uint8_t>(op.value));
      }
    }
    index += op.run;
    pos += op.size;
  }
  if (index != kRegisters) return false;
  *hll = std::move(dense);
  return true;
}

bool MergeInto(std::string_view hll, Registers* max) {
  if (EncodingOf(hll) == Encoding::kDense) {
    const uint8_t* body = DenseBody(hll);
    for (int i = 0; i < kRegisters; ++i) {
      uint8_t v = GetDense(body, i);
      if (v > (*max)[i]) (*max)[i] = v;
    }
    return true;
  }
  int64_t index = 0;
  for (size_t pos = kHeaderSize; pos < hll.size();) {
    Opcode op = DecodeOpcode(hll, pos);
    if (op.kind == Opcode::kVal) {
      if (index + op.run > kRegisters) break;
      for (int64_t i = index; i < index + op.run; ++i) {
        if (op.value > (*max)[i]) (*max)[i] = static_cast<uint8_t>(op.value);
      }
    }
    index += op.run;
    pos += op.size;
  }
  return index == kRegisters;
}

std::optional<uint64_t> Count(std::string_view hll) {
  Histogram h{};
  if (EncodingOf(hll) == Encoding::kDense) {
    DenseHistogram(DenseBody(hll), &h);
  } else if (!SparseHistogram(hll, &h)) {
    return std::nullopt;
  }
  return Estimate(h);
}

uint64_t Count(const Registers& registers) {
  Histogram h{};
  for (uint8_t v : registers) ++h[v & kRegisterMax];
  return Estimate(h);
}

uint8_t DenseRegister(std::string_view hll, int index) { return GetDense(DenseBody(hll), index); }

std::string DecodeSparse(std::string_view hll) {
  std::string out;
  for (size_t pos = kHeaderSize; pos < hll.size();) {
    Opcode op = DecodeOpcode(hll, pos);
    if (!out.empty()) out += ' ';
    switch (op.kind) {
      case Opcode::kZero:
        out += "z:" + std::to_string(op.run);
        break;
      case Opcode::kXZero:
        out += "Z:" + std::to_string(op.run);
        break;
      case Opcode::kVal:
        out += "v:" + std::to_string(op.value) + "," + std::to_string(op.run);
        break;
    }
    pos += op.size;
  }
  return out;
}

std::string SelfTest(uint64_t seed, size_t sparse_max_bytes) {
  std::mt19937_64 rng(seed);
  std::string dense = NewSparse();
  if (!ToDense(&dense)) return "TESTFAILED empty HLL";
  uint8_t* body = DenseBody(&dense);

  // 1. Registers keep their values and do not disturb their neighbours.
  Registers expected;
  for (int cycle = 0; cycle < 1000; ++cycle) {
    for (int i = 0; i < kRegisters; ++i) {
      expected[i] = static_cast<uint8_t>(rng() & kRegisterMax);
      PutDense(body, i, expected[i]);
    }
    for (int i = 0; i < kRegisters; ++i) {
      uint8_t got = GetDense(body, i);
      if (got != expected[i]) {
        return "TESTFAILED Register " + std::to_string(i) + " should be " +
               std::to_string(expected[i]) + " but is " + std::to_string(got);
      }
    }
  }

  // 2. Dense and sparse agree, and the estimate stays within 6 standard errors.
  std::memset(body, 0, kDenseSize - kHeaderSize);
  std::string sparse = NewSparse();
  const double relative_error = 1.04 / std::sqrt(static_cast<double>(kRegisters));
  uint64_t element_seed = rng();
  uint64_t checkpoint = 1;
  for (uint64_t j = 1; j <= 10'000'000; ++j) {
    char element[8];
    uint64_t e = j ^ element_seed;
    for (int b = 0; b < 8; ++b) element[b] = static_cast<char>(e >> (8 * b));
    std::string_view ele(element, sizeof(element));
    Pattern p = PatternOf(ele);
    RaiseDense(body, p.index, p.count);
    Add(&sparse, ele, sparse_max_bytes);
    if (j != checkpoint) continue;

    if (j < sparse_max_bytes / 2 && EncodingOf(sparse) != Encoding::kSparse) {
      return "TESTFAILED sparse encoding not used";
    }
    uint64_t estimate = *Count(dense);
    if (estimate != Count(sparse).value_or(~estimate)) return "TESTFAILED dense/sparse disagree";
    uint64_t abs_error = estimate > checkpoint ? estimate - checkpoint : checkpoint - estimate;
    auto max_error = static_cast<uint64_t>(std::ceil(relative_error * 6 * checkpoint));
    if (j == 10) max_error = 1;  // collisions make larger errors at 10 likely enough to allow
    if (abs_error > max_error) {
      return "TESTFAILED Too big error. card:" + std::to_string(checkpoint) +
             " abserr:" + std::to_string(abs_error);
    }
    checkpoint *= 10;
  }
  return {};
}

}  // namespace tandem::store::hll

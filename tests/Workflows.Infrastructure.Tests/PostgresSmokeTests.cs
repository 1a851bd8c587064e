using Npgsql;
using Workflows.TestSupport;

namespace Workflows.Infrastructure.Tests;

public class PostgresSmokeTests
{
    [Fact]
    public async Task A_row_written_is_read_back_from_a_real_PostgreSQL_15()
    {
        await using var connection = new NpgsqlConnection(TestInfrastructure.PostgresConnectionString);
        await connection.OpenAsync();
        Assert.StartsWith("15.", connection.PostgreSqlVersion.ToString(2) + ".", StringComparison.Ordinal);

        var marker = Guid.NewGuid().ToString("N");
        await using (var create = new NpgsqlCommand("create temp table smoke (id serial primary key, marker text not null)", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using (var insert = new NpgsqlCommand("insert into smoke (marker) values (@m)", connection))
        {
            insert.Parameters.AddWithValue("m", marker);
            Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        }

        await using var select = new NpgsqlCommand("select marker, 40 + 2 from smoke", connection);
        await using var reader = await select.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(marker, reader.GetString(0));
        Assert.Equal(42, reader.GetInt32(1));
    }
}
